"""Elasticsearch 8 with a Chinese analyzer, for deployments that outgrow the database backend
(docs/search.md, "Elasticsearch").

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": ["http://es1:9200", "http://es2:9200"],
            "ANALYZER": "smartcn",  # or "ik"
        },
        "database": {"BACKEND": "search.backends"},  # kept current too: the fallback
    }

modelsearch's Elasticsearch 8 backend does the work; this module only changes the analysis.
Out of the box every text field would use Elasticsearch's `standard` analyzer, which cuts Chinese
into single characters (人民代表 → 人 民 代 表): a two-character word then matches any document
holding both characters anywhere. Here:

* `chinese` / `chinese_search` are the analyzers of every text field (titles, bodies, the
  `_all_text` and `_all_text_boost_*` catch-alls that modelsearch's queries read, nested related
  fields): the official `analysis-smartcn` plugin (default) or the IK plugin (`ik_max_word` at
  index time, `ik_smart` at query time), chosen by the backend option `ANALYZER`.
* `edgengram_analyzer` (autocomplete: `*_edgengrams`, `_edgengrams`) segments with the same
  Chinese tokenizer before its edge n-gram filter, so 人民代表大会 gives the prefixes of 人民,
  代表, 大会 rather than of single characters; the typed text is segmented by `chinese_search`.

The analyzers are referred to by these fixed names in the mapping; the option changes only their
definitions in the index settings. Changing `ANALYZER` therefore needs `manage.py update_index`
(a new index), as any mapping change does.

The client major version must equal the server's (requirements.txt pins `elasticsearch==8.*`):
a 9.x client sends `compatible-with=9` and an 8.x server answers HTTP 400.
"""

from django.core.exceptions import ImproperlyConfigured
from modelsearch.backends.elasticsearch8 import Elasticsearch8Mapping, Elasticsearch8SearchBackend
from modelsearch.utils import deep_update

# The Chinese analysis of each option: the analyzer of text fields at index and at query time,
# and the tokenizer (plus filters after it) that autocomplete's edge n-grams start from.
ANALYZERS = {
    # analysis-smartcn: Lucene's SmartChineseAnalyzer, rebuilt as a custom analyzer as its docs
    # show (smartcn_tokenizer + porter_stem + smartcn_stop, the last dropping punctuation).
    "smartcn": {
        "chinese": {
            "type": "custom",
            "tokenizer": "smartcn_tokenizer",
            "filter": ["lowercase", "porter_stem", "smartcn_stop"],
        },
        "chinese_search": {
            "type": "custom",
            "tokenizer": "smartcn_tokenizer",
            "filter": ["lowercase", "porter_stem", "smartcn_stop"],
        },
        "tokenizer": "smartcn_tokenizer",
        "word_filters": ["lowercase", "asciifolding", "smartcn_stop"],
    },
    # IK (infinilabs/analysis-ik): the finest segmentation at index time, the coarsest for queries,
    # as its documentation recommends. IK drops punctuation itself.
    "ik": {
        "chinese": {"type": "custom", "tokenizer": "ik_max_word", "filter": ["lowercase"]},
        "chinese_search": {"type": "custom", "tokenizer": "ik_smart", "filter": ["lowercase"]},
        "tokenizer": "ik_max_word",
        "word_filters": ["lowercase", "asciifolding"],
    },
}

TEXT_ANALYZER_CONFIG = {"analyzer": "chinese", "search_analyzer": "chinese_search"}


def chinese_index_settings(analyzer):
    """What is merged into modelsearch's default index settings (elasticsearchbase.py) for the
    option `analyzer`: the two Chinese analyzers, and modelsearch's n-gram analyzers with a
    Chinese tokenizer in place of `standard` (the `ngram` and `edgengram` filters after it stay
    modelsearch's)."""
    try:
        chosen = ANALYZERS[analyzer]
    except KeyError:
        raise ImproperlyConfigured(
            f"搜索分词器只能是 {' 或 '.join(ANALYZERS)}（ANALYZER / SEARCH_ANALYZER={analyzer!r};"
            f" expected one of {', '.join(ANALYZERS)}）"
        ) from None
    return {
        "settings": {
            "analysis": {
                "analyzer": {
                    "chinese": dict(chosen["chinese"]),
                    "chinese_search": dict(chosen["chinese_search"]),
                    "edgengram_analyzer": {
                        "type": "custom",
                        "tokenizer": chosen["tokenizer"],
                        "filter": [*chosen["word_filters"], "edgengram"],
                    },
                    "ngram_analyzer": {
                        "type": "custom",
                        "tokenizer": chosen["tokenizer"],
                        "filter": [*chosen["word_filters"], "ngram"],
                    },
                }
            }
        }
    }


def _apply_chinese_analyzer(properties):
    """Give every text field without an analyzer of its own the Chinese analyzers, nested
    related fields included (an analyzer set through a field's `es_extra` is kept)."""
    for field_mapping in properties.values():
        if field_mapping.get("type") == "text" and "analyzer" not in field_mapping:
            field_mapping.update(TEXT_ANALYZER_CONFIG)
        if "properties" in field_mapping:
            _apply_chinese_analyzer(field_mapping["properties"])


class ChineseElasticsearchMapping(Elasticsearch8Mapping):
    # Autocomplete fields: Chinese-segmented edge n-grams (above); the typed prefix is segmented
    # by the query analyzer, not split into single characters by `standard`.
    edgengram_analyzer_config = {
        "analyzer": "edgengram_analyzer",
        "search_analyzer": "chinese_search",
    }

    def get_mapping(self):
        mapping = super().get_mapping()
        _apply_chinese_analyzer(mapping["properties"])
        return mapping


class ChineseElasticsearchBackend(Elasticsearch8SearchBackend):
    """modelsearch's Elasticsearch 8 backend with Chinese analysis. Extra option: `ANALYZER`,
    "smartcn" (default) or "ik". `INDEX_SETTINGS` still overrides anything here."""

    # The index builds mappings with this class. The query compilers keep modelsearch's mapping
    # class: they only read field names and content types from it, which are unchanged.
    mapping_class = ChineseElasticsearchMapping

    def __init__(self, params):
        params = dict(params)
        self.analyzer = params.pop("ANALYZER", "smartcn")
        params["INDEX_SETTINGS"] = deep_update(
            chinese_index_settings(self.analyzer), params.get("INDEX_SETTINGS", {})
        )
        super().__init__(params)


SearchBackend = ChineseElasticsearchBackend
