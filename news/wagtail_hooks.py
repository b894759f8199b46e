from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from deputies.views import PROFILE_SECTIONS_HOOK, ProfileSection

from .models import (
    AppraisalPage,
    AppraisalTeamMember,
    Department,
    InitiativePage,
    InitiativeResponse,
    NewsCategory,
)


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


@hooks.register(PROFILE_SECTIONS_HOOK)
def deputy_initiatives_and_appraisals(request, deputy, date):
    """A deputy's profile lists the initiatives he responded to and the appraisals he took part in
    (published pages only)."""
    responses = (
        InitiativeResponse.objects.filter(
            deputy=deputy, page__in=InitiativePage.objects.live().public()
        )
        .select_related("page")
        .order_by("-page__issued_date", "sort_order")
    )
    if responses:
        yield ProfileSection(
            slug="initiatives",
            heading="响应倡议",
            order=50,
            template_name="components/deputy_initiatives.html",
            context={"responses": responses},
        )
    teams = (
        AppraisalTeamMember.objects.filter(
            deputy=deputy, page__in=AppraisalPage.objects.live().public()
        )
        .select_related("page__department")
        .order_by("-page__year")
    )
    if teams:
        yield ProfileSection(
            slug="appraisals",
            heading="参加部门评议",
            order=60,
            template_name="components/deputy_appraisals.html",
            context={"teams": teams},
        )
