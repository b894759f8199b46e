from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Department, NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # plain ORM lookup; see wagtail#10217
    ordering = ["sort_order", "name"]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["sort_order", "name"]


class EditorialSettingsGroup(SnippetViewSetGroup):
    menu_label = "栏目设置"
    menu_icon = "list-ul"
    menu_order = 300
    items = (NewsCategoryViewSet, DepartmentViewSet)


register_snippet(EditorialSettingsGroup)
