"""Admin registration of the search app: the synonyms staff teach the search (设置 → 搜索同义词,
search.Synonym): short names of titles and everyday words for legal terms."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = "搜索同义词"
    add_to_settings_menu = True
    list_display = ["term", "meanings", "kind", "source"]
    list_filter = ["kind"]
    search_fields = ["term", "meanings"]
    search_backend_name = None  # plain ORM lookup: Chinese substrings (see news/wagtail_hooks.py)
    ordering = ["kind", "term"]


register_snippet(SynonymViewSet)
