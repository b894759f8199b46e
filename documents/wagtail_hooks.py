"""Admin of 备案审查 (menu 备案审查): normative documents, their reviews, citizens' review
suggestions and the issuing bodies, each with list filters, ORM search (Chinese-safe), CSV/XLSX
export and an inspect view; 登记 and the printable receipt (回执); review stage changes in
Wagtail's log; re-extraction of a document's text when its files change; a dashboard panel.

Who sees what is Wagtail's model permission policy over the group 法工委 made by
documents/migrations/0002; choosers check the same permissions. A suggestion's name, contact
and check code appear only in its edit view and, for users who may change suggestions, its
inspect view; never in listings, exports or search. See docs/documents-admin.md.
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.admin_views import (
    EMPTY,
    PermissionCheckedChooserViewSet,
    RegisterViewSet,
    publication,
)

from .admin_filters import (
    NormativeDocumentFilterSet,
    ReviewFilterSet,
    ReviewSuggestionFilterSet,
)
from .admin_views import (
    REGISTER_ACTION,
    STAGE_ACTION,
    DocumentCreateView,
    DocumentEditView,
    DocumentIndexView,
    DocumentInspectView,
    ManualEntryNoticePanel,
    PermissionCheckedDeleteBulkAction,
    ReceiptView,
    RegisterFormatter,
    RegisterView,
    RegistrationPanel,
    ReviewCreateView,
    ReviewEditView,
    StageChangeFormatter,
    StageHistoryPanel,
    SuggestionInspectView,
    SuggestionTrackingPanel,
    chinese_datetime,
    dashboard_panels,
    document_files,
    document_queryset,
    filing_status,
    latest_conclusion_label,
    latest_stage_label,
    local_datetime,
    stage_history,
    user_name,
)
from .forms import NormativeDocumentAdminForm, ReviewAdminForm, ReviewSuggestionAdminForm
from .models import IssuingBody, NormativeDocument, Review, ReviewSuggestion


class DocumentsViewSet(RegisterViewSet):
    """The register's viewset (core/admin_views.py) with choosers that check permissions and an
    inspect view."""

    chooser_viewset_class = PermissionCheckedChooserViewSet
    inspect_view_enabled = True


# -- Normative documents -----------------------------------------------------------------------


def document_reviews(document):
    return "；".join(
        f"{review.received_date:%Y-%m-%d} {review.get_kind_display()}，{review.get_stage_display()}"
        + (f"，{review.get_conclusion_display()}" if review.conclusion else "")
        for review in document.reviews.all()
    )


def registration(document):
    if not document.receipt_number:
        return "未登记"
    when = chinese_datetime(document.registered_at)
    by = user_name(document.registered_by)
    return f"{document.receipt_number}（{when}{'，' + by if by else ''}）"


class NormativeDocumentViewSet(DocumentsViewSet):
    model = NormativeDocument
    icon = "doc-full"
    menu_label = "规范性文件"
    index_view_class = DocumentIndexView
    add_view_class = DocumentCreateView
    edit_view_class = DocumentEditView
    inspect_view_class = DocumentInspectView
    # A copy would repeat the unique receipt number and the importer's file identity.
    copy_view_enabled = False
    list_display = [
        "title",
        "number",
        "issuing_body",
        "date_issued",
        "date_filed",
        Column("validity", label="效力", accessor="get_validity_display", sort_key="validity"),
        Column(
            "text_status",
            label="全文提取",
            accessor="get_text_status_display",
            sort_key="text_status",
        ),
        Column("latest_stage", label="审查阶段", accessor=latest_stage_label),
        Column("latest_conclusion", label="审查结论", accessor=latest_conclusion_label),
        LiveStatusTagColumn(label="发布状态"),
    ]
    filterset_class = NormativeDocumentFilterSet
    search_fields = ["title", "number", "receipt_number", "issuing_body__name", "summary"]
    export_filename = "规范性文件备案目录"
    list_export = [
        "title",
        "number",
        "issuing_body",
        "category",
        "date_issued",
        "date_filed",
        "date_effective",
        "filing",
        "get_validity_display",
        "receipt_number",
        "registered_at",
        "get_text_status_display",
        "latest_stage",
        "latest_conclusion",
        "live",
    ]
    export_headings = {
        "issuing_body": "制定机关",
        "filing": "报备情况",
        "get_validity_display": "效力",
        "receipt_number": "登记回执编号",
        "registered_at": "登记时间",
        "get_text_status_display": "全文提取",
        "latest_stage": "审查阶段",
        "latest_conclusion": "审查结论",
        "live": "已发布",
    }
    export_accessors = {
        "filing": filing_status,
        "registered_at": lambda document: local_datetime(document.registered_at),
        "latest_stage": latest_stage_label,
        "latest_conclusion": latest_conclusion_label,
    }
    inspect_view_fields = [
        "title",
        "number",
        "issuing_body",
        "category",
        "date_issued",
        "date_filed",
        "filing",
        "date_effective",
        "validity",
        "superseded_by",
        "summary",
        "registration",
        "files",
        "text_status",
        "text_note",
        "reviews",
        "publication",
    ]
    inspect_extra_fields = {
        "filing": ("报备情况", filing_status),
        "registration": ("接收登记", registration),
        "files": ("文件", document_files),
        "reviews": ("审查", document_reviews),
        "publication": ("发布状态", publication),
    }
    edit_handler = ObjectList(
        [
            ManualEntryNoticePanel(heading="需人工录入"),
            RegistrationPanel(heading="接收登记"),
            *NormativeDocument.panels,
        ],
        base_form_class=NormativeDocumentAdminForm,
    )

    def get_queryset(self, request):
        return document_queryset()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "register/<int:pk>/",
                RegisterView.as_view(breadcrumbs_items=self.breadcrumbs_items),
                name="register",
            ),
            path("receipt/<int:pk>/", ReceiptView.as_view(), name="receipt"),
        ]


# -- Reviews -----------------------------------------------------------------------------------


class ReviewViewSet(DocumentsViewSet):
    model = Review
    icon = "tasks"
    menu_label = "审查"
    add_view_class = ReviewCreateView
    edit_view_class = ReviewEditView
    list_display = [
        "document",
        Column("issuing_body", label="制定机关", accessor="document.issuing_body"),
        "kind",
        Column("stage", label="阶段", accessor="get_stage_display", sort_key="stage"),
        "received_date",
        "concluded_date",
        Column("conclusion", label="审查结论", accessor="get_conclusion_display"),
    ]
    filterset_class = ReviewFilterSet
    search_fields = ["document__title", "document__number", "opinion"]
    export_filename = "规范性文件审查"
    list_export = [
        "document.title",
        "document.number",
        "document.issuing_body",
        "get_kind_display",
        "get_stage_display",
        "received_date",
        "started_date",
        "concluded_date",
        "get_conclusion_display",
        "opinion",
        "suggestion.tracking_number",
    ]
    export_headings = {
        "document.title": "规范性文件",
        "document.number": "文号",
        "document.issuing_body": "制定机关",
        "get_kind_display": "审查方式",
        "get_stage_display": "阶段",
        "get_conclusion_display": "审查结论",
        "suggestion.tracking_number": "审查建议受理编号",
    }
    export_accessors = {
        "suggestion.tracking_number": lambda review: (
            review.suggestion.tracking_number if review.suggestion_id else ""
        ),
    }
    inspect_view_fields = [
        "document",
        "kind",
        "stage",
        "received_date",
        "started_date",
        "concluded_date",
        "conclusion",
        "opinion",
        "suggestion",
        "stage_history",
    ]
    inspect_extra_fields = {"stage_history": ("阶段变更记录", stage_history)}
    edit_handler = ObjectList(
        [
            FieldPanel("document"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("stage")]),
            FieldPanel("correction_note"),
            FieldRowPanel(
                [
                    FieldPanel("received_date"),
                    FieldPanel("started_date"),
                    FieldPanel("concluded_date"),
                ]
            ),
            MultiFieldPanel([FieldPanel("conclusion"), FieldPanel("opinion")], heading="审查结论"),
            FieldPanel("suggestion"),
            StageHistoryPanel(heading="阶段变更记录"),
        ],
        base_form_class=ReviewAdminForm,
    )

    def get_queryset(self, request):
        return Review.objects.select_related("document__issuing_body", "suggestion")


# -- Review suggestions ------------------------------------------------------------------------


def suggestion_document(suggestion):
    return suggestion.document_label or EMPTY


class ReviewSuggestionViewSet(DocumentsViewSet):
    """The listing, search and export hold no name or contact of the citizen."""

    model = ReviewSuggestion
    icon = "mail"
    menu_label = "审查建议"
    inspect_view_class = SuggestionInspectView
    copy_view_enabled = False  # the tracking number is unique and the citizen's own
    list_display = [
        "tracking_number",
        Column("document", label="建议审查的文件", accessor=suggestion_document),
        "submitted_at",
        Column("status", label="办理状态", accessor="get_status_display", sort_key="status"),
        "replied_at",
    ]
    filterset_class = ReviewSuggestionFilterSet
    search_fields = ["tracking_number", "document__title", "document_title", "issues"]
    export_filename = "审查建议"
    list_export = [
        "tracking_number",
        "document_label",
        "submitted_at",
        "get_status_display",
        "replied_at",
        "issues",
        "reasons",
        "reply",
    ]
    export_headings = {
        "document_label": "建议审查的文件",
        "get_status_display": "办理状态",
    }
    export_accessors = {
        "submitted_at": lambda suggestion: local_datetime(suggestion.submitted_at),
        "replied_at": lambda suggestion: local_datetime(suggestion.replied_at),
    }
    inspect_view_fields = [
        "tracking_number",
        "check_code",
        "document",
        "document_title",
        "issues",
        "reasons",
        "name",
        "contact",
        "submitted_at",
        "status",
        "reply",
        "replied_at",
        "reviews",
    ]
    inspect_extra_fields = {
        "reviews": (
            "据此开展的审查",
            lambda suggestion: "；".join(str(review) for review in suggestion.reviews.all()),
        ),
    }
    edit_handler = ObjectList(
        [
            SuggestionTrackingPanel(heading="受理编号"),
            MultiFieldPanel(
                [
                    FieldPanel("document"),
                    FieldPanel("document_title"),
                    FieldPanel("issues"),
                    FieldPanel("reasons"),
                    FieldRowPanel([FieldPanel("name"), FieldPanel("contact")]),
                ],
                heading="建议内容",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("reply"),
                    FieldPanel("replied_at", read_only=True),
                ],
                heading="办理与答复",
            ),
        ],
        base_form_class=ReviewSuggestionAdminForm,
    )

    def get_queryset(self, request):
        return ReviewSuggestion.objects.select_related("document")


# -- Issuing bodies ----------------------------------------------------------------------------


class IssuingBodyViewSet(DocumentsViewSet):
    model = IssuingBody
    icon = "site"
    menu_label = "制定机关"
    inspect_view_enabled = False
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    export_filename = "制定机关"
    list_export = ["name", "sort_order"]


class DocumentsAdminGroup(SnippetViewSetGroup):
    menu_label = "备案审查"
    menu_icon = "doc-full-inverse"
    menu_order = 220
    items = (NormativeDocumentViewSet, ReviewViewSet, ReviewSuggestionViewSet, IssuingBodyViewSet)


register_snippet(DocumentsAdminGroup)


# -- Hooks -------------------------------------------------------------------------------------


# Registered after Wagtail's own (order) so that it replaces it for these models.
hooks.register("register_bulk_action", PermissionCheckedDeleteBulkAction, order=100)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(STAGE_ACTION)(StageChangeFormatter)
    actions.register_action(REGISTER_ACTION)(RegisterFormatter)


@hooks.register("construct_homepage_panels")
def add_review_dashboard_panel(request, panels):
    dashboard_panels(request, panels)
