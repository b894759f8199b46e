# ruff: noqa: E501 - the question table reads best one question a line
"""The evaluation set of issue 18: queries of the kinds citizens and staff really type, written to
benchmarks/search_eval.json (committed) and read by benchmarks/search.py (`make bench
BENCH=search`). Generated, seeded, from the law corpus and checked against it:

    python -m benchmarks.search_eval [CORPUS]  # ../shared/corpus/laws or $BENCH_SEARCH_CORPUS

Each query carries the titles that count as a hit (versions of a law share a title) and, for
article references, the anchor the first hit's URL must carry. The kinds:

* `exact title`: a full title (unique in the corpus);
* `short name`: a law's title without 中华人民共和国 (著作权法), or a common contraction from the
  list below (反家暴法), each naming exactly one title of the corpus;
* `traditional`: a short name or a part of a title (4-10 characters, in one title only) written
  in traditional characters (OpenCC s2t; only where t2s gives the original back);
* `typo`: a short name with one character replaced by a homophone (same toneless pinyin, a
  character of the corpus' titles), the result found in no title;
* `pinyin`: toneless pinyin of a short name, without spaces, one syllable per word, by words
  (jieba), the first words only, or the initials; only where no other title's short name has
  the same pinyin (or initials);
* `article`: a short name and an article number that exists in that law's text, in Chinese or
  Arabic numerals, with or without spaces and 《》;
* `question`: plain-language questions written here (QUESTIONS), each with the laws that answer
  it; checked: every law is in the corpus and holds the legal term given for the question.
"""

import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "laws"
OUTPUT = Path(__file__).resolve().parent / "search_eval.json"
SEED = 18
PER_KIND = 50
COUNTRY = "中华人民共和国"
ARTICLE_LINE = re.compile(r"^\s*第([零〇一二三四五六七八九十百千]+)条(?:\s|　)")
HAN = re.compile(r"[\u4e00-\u9fff]+")

# Common contractions (简称) as used in the press and by the NPC's own commentary, with the title
# they stand for. The product keeps its own list (search/data/short_names.tsv).
CONTRACTIONS = {
    "反家暴法": "中华人民共和国反家庭暴力法",
    "个税法": "中华人民共和国个人所得税法",
    "民诉法": "中华人民共和国民事诉讼法",
    "刑诉法": "中华人民共和国刑事诉讼法",
    "行诉法": "中华人民共和国行政诉讼法",
    "未保法": "中华人民共和国未成年人保护法",
    "消保法": "中华人民共和国消费者权益保护法",
    "环保法": "中华人民共和国环境保护法",
    "道交法": "中华人民共和国道路交通安全法",
    "个保法": "中华人民共和国个人信息保护法",
    "网安法": "中华人民共和国网络安全法",
    "数安法": "中华人民共和国数据安全法",
    "反垄断法": "中华人民共和国反垄断法",
    "治安处罚法": "中华人民共和国治安管理处罚法",
    "劳动合同法实施条例": "中华人民共和国劳动合同法实施条例",
    "税收征管法": "中华人民共和国税收征收管理法",
    "反不正当竞争法": "中华人民共和国反不正当竞争法",
    "妇女权益保障法": "中华人民共和国妇女权益保障法",
    "老年法": "中华人民共和国老年人权益保障法",
    "食安法": "中华人民共和国食品安全法",
}

# (question, laws that answer it, a legal term one of those laws holds).
QUESTIONS = [
    ("公司拖欠工资不发怎么办", ["中华人民共和国劳动合同法", "中华人民共和国劳动法", "保障农民工工资支付条例"], "劳动报酬"),
    ("喝酒后开车会被怎么处罚", ["中华人民共和国道路交通安全法", "中华人民共和国刑法"], "饮酒"),
    ("驾照被扣分了怎么办", ["中华人民共和国道路交通安全法", "中华人民共和国道路交通安全法实施条例"], "机动车驾驶证"),
    ("房东不退押金怎么办", ["中华人民共和国民法典"], "出租人"),
    ("离婚后孩子归谁抚养", ["中华人民共和国民法典"], "抚养"),
    ("被狗咬了谁负责", ["中华人民共和国民法典"], "饲养的动物"),
    ("网购买到假货怎么赔偿", ["中华人民共和国消费者权益保护法", "中华人民共和国电子商务法"], "欺诈"),
    ("试用期最长可以约定多久", ["中华人民共和国劳动合同法"], "试用期"),
    ("加班费怎么算", ["中华人民共和国劳动法"], "延长工作时间"),
    ("一年有几天年假", ["职工带薪年休假条例"], "年休假"),
    ("女职工产假有多少天", ["女职工劳动保护特别规定"], "产假"),
    ("上班路上出车祸算工伤吗", ["工伤保险条例"], "工伤"),
    ("邻居装修噪音太大怎么办", ["中华人民共和国噪声污染防治法", "中华人民共和国环境噪声污染防治法"], "噪声"),
    ("未成年人可以进网吧吗", ["中华人民共和国未成年人保护法", "互联网上网服务营业场所管理条例"], "互联网上网服务营业场所"),
    ("个人信息被泄露了怎么办", ["中华人民共和国个人信息保护法"], "个人信息"),
    ("朋友借钱不还怎么起诉", ["中华人民共和国民事诉讼法", "中华人民共和国民法典"], "借款"),
    ("父母去世后遗产怎么分", ["中华人民共和国民法典"], "遗产"),
    ("醉驾要坐牢吗", ["中华人民共和国刑法", "中华人民共和国道路交通安全法"], "醉酒"),
    ("打架斗殴会被拘留几天", ["中华人民共和国治安管理处罚法"], "殴打"),
    ("子女不赡养老人怎么办", ["中华人民共和国老年人权益保障法", "中华人民共和国民法典"], "赡养"),
    ("遭受家暴怎么申请保护令", ["中华人民共和国反家庭暴力法"], "人身安全保护令"),
    ("农村宅基地可以卖吗", ["中华人民共和国土地管理法"], "宅基地"),
    ("交通事故责任怎么划分", ["中华人民共和国道路交通安全法", "中华人民共和国道路交通安全法实施条例"], "交通事故"),
    ("被公司辞退有没有补偿", ["中华人民共和国劳动合同法"], "经济补偿"),
    ("没签劳动合同能要双倍工资吗", ["中华人民共和国劳动合同法"], "二倍的工资"),
    ("超市卖过期食品要赔多少", ["中华人民共和国食品安全法"], "食品安全标准"),
    ("医院出了医疗事故怎么处理", ["医疗纠纷预防和处理条例", "中华人民共和国民法典", "医疗事故处理条例"], "医疗"),
    ("义务教育要交学费吗", ["中华人民共和国义务教育法"], "学费"),
    ("怎么申请政府信息公开", ["中华人民共和国政府信息公开条例"], "政府信息公开"),
    ("法定结婚年龄是多少岁", ["中华人民共和国民法典"], "结婚年龄"),
    ("偷税漏税会怎么处罚", ["中华人民共和国税收征收管理法", "中华人民共和国刑法"], "偷税"),
    ("撞人后逃跑怎么判", ["中华人民共和国刑法", "中华人民共和国道路交通安全法"], "逃逸"),
    ("员工辞职要提前多久说", ["中华人民共和国劳动合同法", "中华人民共和国劳动法"], "三十日"),
    ("社保断缴了有什么影响", ["中华人民共和国社会保险法"], "社会保险"),
    ("失业了能领失业金吗", ["中华人民共和国社会保险法", "失业保险条例"], "失业保险金"),
    ("房子被强拆怎么办", ["国有土地上房屋征收与补偿条例", "中华人民共和国土地管理法"], "征收"),
    ("吃野味违法吗", ["中华人民共和国野生动物保护法"], "野生动物"),
    ("骑电动车要戴头盔吗", ["中华人民共和国道路交通安全法", "中华人民共和国道路交通安全法实施条例"], "非机动车"),
    ("被人在网上诽谤怎么办", ["中华人民共和国治安管理处罚法", "中华人民共和国刑法", "中华人民共和国民法典"], "诽谤"),
    ("无证驾驶怎么处罚", ["中华人民共和国道路交通安全法"], "驾驶证"),
    ("高空抛物砸伤人谁负责", ["中华人民共和国民法典", "中华人民共和国刑法"], "抛掷物品"),
    ("商家不给开发票怎么办", ["中华人民共和国发票管理办法", "中华人民共和国税收征收管理法"], "发票"),
    ("见义勇为受伤了谁来赔", ["中华人民共和国民法典"], "受益人"),
    ("孩子在学校受伤学校要负责吗", ["中华人民共和国民法典", "中华人民共和国未成年人保护法"], "教育机构"),
    ("买的东西不满意七天能退货吗", ["中华人民共和国消费者权益保护法"], "七日"),
    ("老板不给交社保违法吗", ["中华人民共和国社会保险法", "中华人民共和国劳动法"], "社会保险费"),
    ("被人打伤了怎么要赔偿", ["中华人民共和国民法典", "中华人民共和国治安管理处罚法"], "人身损害"),
    ("捡到东西不还犯法吗", ["中华人民共和国民法典"], "遗失物"),
]  # fmt: skip


def corpus_laws(corpus):
    """(path, title, text after INFO END) of every law of the corpus, in path order."""
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        first, _, rest = text.partition("\n")
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        yield path, title, rest.split("<!-- INFO END -->", 1)[-1]


def read_corpus(corpus):
    """[(title, text after INFO END)] of every law."""
    return [(title, body) for _path, title, body in corpus_laws(corpus)]


def short_name(title):
    return title[len(COUNTRY) :] if title.startswith(COUNTRY) and len(title) > 9 else None


def article_numbers(text):
    from documents.numerals import parse

    return [parse(m.group(1)) for line in text.splitlines() if (m := ARTICLE_LINE.match(line))]


def build(corpus):
    import cn2an
    import jieba
    import opencc
    from pypinyin import Style, lazy_pinyin

    jieba.setLogLevel(60)
    rng = random.Random(SEED)  # noqa: S311 - a repeatable sample
    laws = read_corpus(corpus)
    titles = sorted({title for title, _ in laws})
    title_count = Counter(title for title, _ in laws)
    text_of = defaultdict(str)
    for title, text in laws:
        text_of[title] += "\n" + text
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")

    def in_titles(piece):
        return [title for title in titles if piece in title]

    # Short names: the title without the country's name, unique among the short names.
    names = {}
    for title in titles:
        name = short_name(title)
        if name and name not in titles:
            names.setdefault(name, []).append(title)
    names = {name: found[0] for name, found in names.items() if len(found) == 1}
    national_laws = sorted(name for name, title in names.items() if name.endswith("法"))
    eval_set = defaultdict(list)

    def add(kind, query, expected, **extra):
        eval_set[kind].append({"q": query, "titles": sorted(expected)} | extra)

    # Exact titles: unique titles of every kind of document.
    for title in rng.sample([t for t in titles if title_count[t] == 1], PER_KIND):
        add("exact title", title, [title])

    # Short names: contractions (checked against the corpus) and titles without the prefix.
    for contraction, title in CONTRACTIONS.items():
        if title in title_count and not in_titles(contraction):
            add("short name", contraction, [title])
    for name in rng.sample(national_laws, PER_KIND - len(eval_set["short name"])):
        add("short name", name, [names[name]])

    # Traditional: short names and parts of titles.
    def traditional(piece):
        converted = s2t.convert(piece)
        return converted if converted != piece and t2s.convert(converted) == piece else None

    candidates = [(name, [names[name]]) for name in rng.sample(national_laws, 60)]
    for title in rng.sample(titles, 400):
        runs = [run for run in HAN.findall(title) if len(run) >= 6]
        if runs:
            run = rng.choice(runs)
            size = rng.randint(4, min(10, len(run)))
            start = rng.randrange(len(run) - size + 1)
            part = run[start : start + size]
            found = in_titles(part)
            if len(set(found)) == 1:
                candidates.append((part, found))
    rng.shuffle(candidates)
    for piece, expected in candidates:
        converted = traditional(piece)
        if converted and len(eval_set["traditional"]) < PER_KIND:
            add("traditional", converted, expected)

    # Typos: one character of a short name replaced by a homophone found in the titles.
    frequency = Counter(char for title in titles for char in title if HAN.match(char))
    by_sound = defaultdict(list)
    for char, _ in frequency.most_common():
        by_sound[lazy_pinyin(char)[0]].append(char)
    for name in rng.sample(national_laws, len(national_laws)):
        if len(eval_set["typo"]) == PER_KIND:
            break
        if len(name) < 4:
            continue
        positions = list(range(len(name) - 1))  # not the final 法
        rng.shuffle(positions)
        for position in positions:
            char = name[position]
            sound = lazy_pinyin(char)[0]
            others = [c for c in by_sound[sound] if c != char][:5]
            if not others:
                continue
            typo = name[:position] + rng.choice(others) + name[position + 1 :]
            if lazy_pinyin(typo) == lazy_pinyin(name) and not in_titles(typo):
                add("typo", typo, [names[name]], meant=name)
                break

    # Pinyin: five forms, only where the pinyin names one short name.
    def joined(name):
        return "".join(lazy_pinyin(name))

    sounds = Counter(joined(name) for name in names)
    initials = Counter("".join(lazy_pinyin(name, style=Style.FIRST_LETTER)) for name in names)
    forms = ["joined", "spaced", "words", "first words", "initials"]
    for n, name in enumerate(rng.sample(national_laws, len(national_laws))):
        if len(eval_set["pinyin"]) == PER_KIND:
            break
        form = forms[n % len(forms)]
        syllables = lazy_pinyin(name)
        if sounds[joined(name)] != 1:
            continue
        words = [joined(word) for word in jieba.lcut(name)]
        if form == "joined":
            query = "".join(syllables)
        elif form == "spaced":
            query = " ".join(syllables)
        elif form == "words":
            query = " ".join(words)
        elif form == "first words":
            if len(words) < 3:
                continue
            query = " ".join(words[:-1])
            prefix = query.replace(" ", "")
            owners = [other for other in names if joined(other).startswith(prefix)]
            if min(owners, key=len) != name:  # a shorter name starts so: it comes first
                continue
        else:
            query = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
            if initials[query] != 1 or len(query) < 4:
                continue
        add("pinyin", query, [names[name]], form=form, meant=name)

    # Article references: a number that exists in the law, written five ways.
    styles = ["{n}第{c}条", "{n}第{a}条", "{n} 第 {a} 条", "《{n}》第{c}条", "《{n}》 第{a}条"]
    for n, name in enumerate(rng.sample(national_laws, len(national_laws))):
        if len(eval_set["article"]) == PER_KIND:
            break
        numbers = article_numbers(text_of[names[name]])
        if len(numbers) < 5:
            continue
        number = rng.choice(numbers)
        query = styles[n % len(styles)].format(n=name, c=cn2an.an2cn(number), a=number)
        add("article", query, [names[name]], anchor=f"art-{number}")

    # Questions: written here, checked against the corpus.
    for question, answers, term in QUESTIONS:
        missing = [title for title in answers if title not in title_count]
        if missing:
            sys.exit(f"question {question!r}: not in the corpus: {missing}")
        if not any(term in text_of[title] for title in answers):
            sys.exit(f"question {question!r}: {term!r} is in none of {answers}")
        add("question", question, answers, term=term)
    return eval_set


def main():
    corpus = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_SEARCH_CORPUS") or CORPUS
    )
    if not corpus.is_dir():
        sys.exit(f"no corpus at {corpus}")
    sys.path.insert(0, str(ROOT))
    eval_set = build(corpus)
    for kind, queries in eval_set.items():
        print(f"{kind:12} {len(queries)}")
    OUTPUT.write_text(
        json.dumps(
            {"seed": SEED, "corpus": "LawRefBook/Laws (../shared/corpus/laws)", "kinds": eval_set},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written: {OUTPUT}")


if __name__ == "__main__":
    main()
