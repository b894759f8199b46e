"""search/tokenize.py: Chinese bigrams at index time, the same pieces at query time, so that every
substring of the text is found whatever its "words" (no dictionary involved)."""

import pytest

from search.tokenize import (
    MAX_QUERY_TOKENS,
    MAX_WORD_LENGTH,
    index_tokens,
    normalise,
    split_terms,
    term_tokens,
)

SAMPLE = (
    "第一条　为了加强河道管理，保障防洪安全，根据《中华人民共和国水法》制定本办法。"
    "第二条 2026年3月1日起施行；COVID-19疫情期间（含Ａ级景区）适用第3号文件。"
)


def cuts_a_word(pair):
    """Two ASCII letters or digits side by side: a piece that ends between them cuts a word."""
    return len(pair) == 2 and pair.isascii() and pair.isalnum()


def is_contiguous_piece(tokens, index, prefix):
    """True when `tokens` occur in a row in `index` (the last one as a prefix if asked)."""
    n = len(tokens)
    for start in range(len(index) - n + 1):
        window = index[start : start + n]
        if window[:-1] == list(tokens[:-1]) and (
            window[-1].startswith(tokens[-1]) if prefix else window[-1] == tokens[-1]
        ):
            return True
    return False


class TestIndexTokens:
    def test_chinese_runs_become_bigrams_and_their_last_character(self):
        assert index_tokens("人民代表大会") == "人民 民代 代表 表大 大会 会"

    def test_a_single_character_run_is_kept(self):
        assert index_tokens("法") == "法"

    def test_punctuation_separates_runs(self):
        assert index_tokens("河道，管理。") == "河道 道 管理 理"

    def test_letters_and_digits_are_lower_case_words_next_to_chinese(self):
        assert index_tokens("COVID-19疫情") == "covid 19 疫情 情"
        assert index_tokens("2026年") == "2026 年"

    def test_full_width_letters_digits_and_kangxi_radicals_are_normalised(self):
        assert index_tokens("ＡＢＣ２０２６") == "abc2026"
        # U+2F42 KANGXI RADICAL SCRIPT and U+2F29 KANGXI RADICAL SMALL, as PDFs extract them
        assert index_tokens("\u2f42\u2f29") == index_tokens("文小")

    def test_emoji_symbols_and_query_syntax_are_dropped(self):
        assert index_tokens('😀 "NEAR" AND( * : ^ - + {x}') == "near and x"
        assert index_tokens("！？……——") == ""
        assert index_tokens("") == ""

    def test_overlong_words_are_cut(self):
        assert index_tokens("a" * 500) == "a" * MAX_WORD_LENGTH


class TestTermTokens:
    def test_a_term_is_its_bigrams_without_the_trailing_character(self):
        assert term_tokens("河道管理").tokens == ("河道", "道管", "管理")
        assert not term_tokens("河道管理").prefix

    def test_a_single_character_is_a_prefix(self):
        tokens = term_tokens("法")
        assert tokens.tokens == ("法",)
        assert tokens.prefix

    def test_inner_runs_keep_their_trailing_character(self):
        assert term_tokens("大会2026年").tokens == ("大会", "会", "2026", "年")
        assert term_tokens("大会2026年").prefix

    def test_the_last_word_is_a_prefix_only_when_asked(self):
        assert not term_tokens("cov").prefix
        assert term_tokens("cov", last_is_prefix=True).prefix

    def test_nothing_searchable_gives_no_tokens(self):
        for text in ("", "！！", "😀", '"*:"', "——"):
            assert not term_tokens(text)

    def test_tokens_are_capped(self):
        tokens = term_tokens("河" * 2000)
        assert len(tokens.tokens) == MAX_QUERY_TOKENS
        assert not tokens.prefix

    @pytest.mark.parametrize("length", range(1, 9))
    def test_every_substring_of_the_text_lines_up_with_the_index(self, length):
        """The property the backends rely on: the tokens of any piece of the text are a
        contiguous run of the indexed tokens, so a phrase query over them finds the text.
        Letters and digits are whole words (COVID, 2026), as in Wagtail's own backends: pieces
        cutting through one are not searches for it."""
        index = index_tokens(SAMPLE).split()
        checked = 0
        for start in range(len(SAMPLE) - length + 1):
            piece = SAMPLE[start : start + length]
            before, after = SAMPLE[start - 1 : start], SAMPLE[start + length : start + length + 1]
            if cuts_a_word(before + piece[0]) or cuts_a_word(piece[-1] + after):
                continue
            tokens = term_tokens(piece)
            if not tokens:
                continue  # punctuation only
            checked += 1
            assert is_contiguous_piece(tokens.tokens, index, tokens.prefix), piece
        assert checked > 40


def test_split_terms_splits_on_any_whitespace():
    assert split_terms(" 河道\u3000管理\t条例 ") == ["河道", "管理", "条例"]


def test_normalise_folds_case_and_width_but_keeps_chinese():
    assert normalise("ＣＯＶＩＤ河道") == "covid河道"
