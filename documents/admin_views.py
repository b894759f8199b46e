"""Admin views of 备案审查 (registered in documents/wagtail_hooks.py), on Wagtail's generic views.

- The documents listing, annotated with its latest review (`document_queryset`), with 登记 /
  回执 in each row's menu.
- The document edit view, which keeps the registration (回执编号) of the database row whatever
  revision the form starts from, and offers 登记 / 回执.
- Review create/edit views that write every stage change to Wagtail's log as
  `documents.review_stage` (who, when, from, to, the correction note), shown in the history view
  and on the review's edit and inspect pages (`stage_history`).
- The suggestion inspect view, which shows the citizen's name and contact only to users who may
  change suggestions (法工委).
- 登记 (`RegisterView`: GET confirms, POST registers) and the printable receipt (`ReceiptView`).
- Edit-form panels (manual-entry notice, registration, stage history), the dashboard panel and a
  bulk delete that checks the delete permission.

The listing, export, inspect and chooser scaffolding every register shares is
core/admin_views.py (documents does not import deputies, see docs/architecture.md).
"""

import datetime
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property, classproperty
from django.utils.html import format_html, format_html_join
from django.views.generic import TemplateView
from wagtail.admin.panels import Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter, log
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import snippets as snippet_views

from core.admin_views import (
    EMPTY,
    SEPARATOR,
    DraftStateIndexView,
    RegisterCreateView,
    RegisterEditView,
    RegisterInspectView,
    chinese_date,
)
from core.models import SiteSettings

from .admin_filters import MANUAL_TEXT_STATUSES, NO, YES
from .models import DocumentFile, IssuingBody, NormativeDocument, Review, ReviewSuggestion

logger = logging.getLogger(__name__)

# The periods of the 备案审查 rules (e.g. the Beijing 备案审查条例, articles 11 and 12).
FILING_DEADLINE_DAYS = 30  # 规范性文件应当自公布之日起三十日内报送备案
FORMAL_CHECK_DAYS = 10  # 自收到报送备案材料之日起十日内进行形式审查，予以登记并反馈电子回执

STAGE_ACTION = "documents.review_stage"
REGISTER_ACTION = "documents.register"
# The fields of a document's registration: facts of the database row, never of a revision.
REGISTRATION_FIELDS = ("receipt_number", "registered_at", "registered_by_id")
TEXT_FIELDS = ("full_text", "text_status", "text_note")

STAGE_LABELS = dict(Review.STAGE_CHOICES)
CONCLUSION_LABELS = dict(Review.CONCLUSION_CHOICES)
SUGGESTION_OPEN = (ReviewSuggestion.RECEIVED, ReviewSuggestion.PROCESSING)


# -- Display helpers ---------------------------------------------------------------------------


def local_datetime(value):
    """'2026-03-21 14:05' in the site's time zone: for exports (XLSX would write UTC)."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def chinese_datetime(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{chinese_date(value)} {value:%H:%M}"


def filing_deadline(document):
    """The last day to file (报送备案) a document: thirty days after its publication."""
    if not document.date_issued:
        return None
    return document.date_issued + datetime.timedelta(days=FILING_DEADLINE_DAYS)


def filing_delay(document):
    """Days the filing came after the deadline (0 when on time); None when a date is missing."""
    if not (document.date_issued and document.date_filed):
        return None
    return max(0, (document.date_filed - document.date_issued).days - FILING_DEADLINE_DAYS)


def filing_status(document):
    """按时报备, 逾期报备 N 天, or why it cannot be told."""
    delay = filing_delay(document)
    if delay is None:
        return "未填写公布日期或报备日期，无法计算"
    return "按时报备" if delay == 0 else f"逾期报备 {delay} 天"


def latest_stage_label(document):
    return STAGE_LABELS.get(document.latest_stage, "未审查")


def latest_conclusion_label(document):
    return CONCLUSION_LABELS.get(document.latest_conclusion, "")


def document_files(document):
    return SEPARATOR.join(
        f"{item.label}：{item.file.title}" if item.label else item.file.title
        for item in document.files.all()
    )


def user_name(user):
    return get_user_display_name(user) if user else ""


# -- Querysets ---------------------------------------------------------------------------------


def latest_review_of_document():
    return Review.objects.filter(document=OuterRef("pk")).order_by("-received_date", "-pk")


def document_queryset():
    """Documents with their issuing body and the stage and conclusion of their latest review
    (the review `NormativeDocument.latest_review` names), for listing, filters and export."""
    latest = latest_review_of_document()
    return NormativeDocument.objects.select_related("issuing_body", "registered_by").annotate(
        latest_stage=Subquery(latest.values("stage")[:1]),
        latest_conclusion=Subquery(latest.values("conclusion")[:1]),
    )


def manual_entry_needed(document):
    return document.text_status in MANUAL_TEXT_STATUSES


# -- Listing and inspect views -------------------------------------------------------------------


class DocumentIndexView(DraftStateIndexView):
    """The documents listing: no query per row for the 发布状态 column, and 登记 / 回执 in each
    row's menu."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        button = registration_button(self.request.user, instance)
        return [*buttons, button] if button else buttons


class DocumentInspectView(RegisterInspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        button = registration_button(self.request.user, self.object)
        return [*buttons, button] if button else buttons


PRIVATE_SUGGESTION_FIELDS = ("name", "contact", "check_code")


class SuggestionInspectView(RegisterInspectView):
    """The citizen's name, contact and check code only for users who may change suggestions."""

    def get_fields(self):
        fields = super().get_fields()
        if self.user_has_permission("change"):
            return fields
        return [name for name in fields if name not in PRIVATE_SUGGESTION_FIELDS]


# -- Registration (登记) and receipt (回执) ------------------------------------------------------


def receipt_url(document):
    return reverse(NormativeDocument.snippet_viewset.get_url_name("receipt"), args=[document.pk])


def register_url(document):
    return reverse(NormativeDocument.snippet_viewset.get_url_name("register"), args=[document.pk])


def document_policy():
    return policy_registry.get_by_type(NormativeDocument)


def registration_button(user, document):
    """回执 for a registered document (to whoever may see it), 登记 for one that is not (to users
    who may change documents); None otherwise."""
    policy = document_policy()
    if document.receipt_number:
        if not policy.user_has_any_permission(user, ["change", "view"]):
            return None
        label, url, icon = "登记回执", receipt_url(document), "doc-full"
    else:
        if not policy.user_has_permission(user, "change"):
            return None
        label, url, icon = "登记", register_url(document), "tick"
    return Button(label, url=url, icon_name=icon, priority=40)


def sync_latest_revision(document, fields):
    """Write the database row's `fields` into the document's latest revision.

    A revision holds every field of the document; publishing one written before a registration
    or an extraction would put the old values back. Used after those two, which change the row
    directly."""
    revision = document.latest_revision
    if revision is None:
        return
    current = document.serializable_data()
    changed = False
    for field in fields:
        name = field.removesuffix("_id")
        if revision.content.get(name) != current.get(name):
            revision.content[name] = current.get(name)
            changed = True
    if changed:
        revision.save(update_fields=["content"])


def register_document(document, user, attempts=3):
    """接收登记: give the document its receipt number (NormativeDocument.register), log it,
    and open its active review (主动审查: 有备必审) when it has none yet.

    Two registrations at the same moment can compute the same number; the unique constraint
    refuses the second, which then tries again with the next number."""
    if document.receipt_number:
        return False
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                document.register(user)
                log(
                    document,
                    REGISTER_ACTION,
                    user=user,
                    data={"receipt_number": document.receipt_number},
                )
                sync_latest_revision(document, REGISTRATION_FIELDS)
                if not document.reviews.exists():
                    review = Review.objects.create(
                        document=document,
                        kind=Review.ACTIVE,
                        stage=Review.RECEIVED,
                        received_date=timezone.localdate(document.registered_at),
                    )
                    log_stage_change(review, "", Review.RECEIVED, user, note="登记时自动建立")
            return True
        except IntegrityError:
            logger.warning("登记编号冲突，重试（第 %s 次）：%s", attempt + 1, document.pk)
            fresh = NormativeDocument.objects.get(pk=document.pk)
            for field in REGISTRATION_FIELDS:
                setattr(document, field, getattr(fresh, field))
            if document.receipt_number:  # registered by someone else meanwhile
                return False
    raise IntegrityError("登记编号冲突，请稍后重试。")


class DocumentObjectMixin(PermissionCheckedMixin):
    model = NormativeDocument

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            NormativeDocument.objects.select_related("issuing_body", "registered_by"),
            pk=kwargs["pk"],
        )

    def edit_url(self):
        if self.user_has_permission("change"):
            return reverse(
                NormativeDocument.snippet_viewset.get_url_name("edit"), args=[self.object.pk]
            )
        if self.user_has_permission("view"):
            return reverse(
                NormativeDocument.snippet_viewset.get_url_name("inspect"), args=[self.object.pk]
            )
        return None


MISSING_FILING_DATE = "登记前请先填写报备日期（收到报送备案材料的日期）并发布，回执要写明报备日期。"


class RegisterView(DocumentObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """登记: GET asks to confirm (and shows what the receipt will say), POST registers and goes
    to the receipt. Registering a registered document changes nothing."""

    permission_required = "change"
    template_name = "documents/admin/register_confirm.html"
    page_title = "接收登记"
    header_icon = "tick"

    def get(self, request, *args, **kwargs):
        if self.object.receipt_number:
            return redirect(receipt_url(self.object))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.object.receipt_number and not self.object.date_filed:
            messages.error(request, MISSING_FILING_DATE)
            return redirect(register_url(self.object))
        try:
            registered = register_document(self.object, request.user)
        except IntegrityError:
            messages.error(request, "登记编号冲突，未能登记，请稍后重试。")
            return redirect(register_url(self.object))
        if registered:
            messages.success(
                request, f"已登记“{self.object.title}”，回执编号 {self.object.receipt_number}。"
            )
        else:
            messages.info(
                request, f"该文件已经登记，回执编号 {self.object.receipt_number}，未改变。"
            )
        return redirect(receipt_url(self.object))

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        viewset = NormativeDocument.snippet_viewset
        items = [{"url": reverse(viewset.get_url_name("list")), "label": "规范性文件"}]
        if url := self.edit_url():
            items.append({"url": url, "label": str(self.object)})
        items.append({"url": "", "label": self.page_title, "sublabel": str(self.object)})
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(receipt_context(self.object))
        context["register_url"] = register_url(self.object)
        context["cancel_url"] = self.edit_url()
        context["missing_filing_date"] = None if self.object.date_filed else MISSING_FILING_DATE
        return context


def receipt_context(document):
    delay = filing_delay(document)
    return {
        "document": document,
        "files": list(document.files.select_related("file")),
        "filing_deadline": filing_deadline(document),
        "filing_status": filing_status(document),
        "filed_late": bool(delay),
        "formal_check_days": FORMAL_CHECK_DAYS,
        "filing_deadline_days": FILING_DEADLINE_DAYS,
    }


class ReceiptView(DocumentObjectMixin, TemplateView):
    """The electronic receipt (电子回执) of a registered document: a page of its own, laid out
    for A4 paper, for users who may view or change documents."""

    any_permission_required = ["change", "view"]
    template_name = "documents/admin/receipt.html"

    def get(self, request, *args, **kwargs):
        if not self.object.receipt_number:
            if self.user_has_permission("change"):
                messages.info(request, "该文件尚未登记：登记后出具回执。")
                return redirect(register_url(self.object))
            raise Http404("该文件尚未登记。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        settings = SiteSettings.for_request(self.request)
        context.update(receipt_context(self.object))
        context["office"] = settings.organisation or settings.site_name
        context["site_settings"] = settings
        context["registered_by"] = user_name(self.object.registered_by)
        context["back_url"] = self.edit_url()
        return context


# -- Review stages -------------------------------------------------------------------------------


def log_stage_change(review, from_stage, to_stage, user, note="", cleared=None):
    return log(
        review,
        STAGE_ACTION,
        user=user,
        data={"from": from_stage or "", "to": to_stage, "note": note, "cleared": cleared or {}},
    )


def stage_entries(review):
    """The review's stage changes, oldest first."""
    return list(
        ModelLogEntry.objects.for_instance(review)
        .filter(action=STAGE_ACTION)
        .select_related("user")
        .order_by("timestamp", "pk")
    )


def stage_change_text(data):
    """阶段：接收登记 → 审查中"""
    to_label = STAGE_LABELS.get(data.get("to"), data.get("to"))
    if not data.get("from"):
        return f"阶段：{to_label}（新建）"
    return f"阶段：{STAGE_LABELS.get(data['from'], data['from'])} → {to_label}"


def stage_change_comment(data):
    parts = []
    if data.get("note"):
        parts.append(f"更正说明：{data['note']}" if is_correction(data) else data["note"])
    if data.get("cleared"):
        parts.append("已清除：" + "；".join(f"{k}“{v}”" for k, v in data["cleared"].items()))
    return "。".join(parts)


def is_correction(data):
    order = Review.STAGE_ORDER
    return (
        data.get("from") in order
        and data.get("to") in order
        and order.index(data["to"]) < order.index(data["from"])
    )


def stage_change_message(data):
    """阶段：审查中 → 接收登记（更正说明：…）: the change with its note, as the history shows it
    (the history view of a model without revisions shows no separate comment)."""
    comment = stage_change_comment(data)
    return f"{stage_change_text(data)}（{comment}）" if comment else stage_change_text(data)


class StageChangeFormatter(LogFormatter):
    label = "审查阶段变更"

    def format_message(self, log_entry):
        return stage_change_message(log_entry.data)

    def format_comment(self, log_entry):
        return stage_change_comment(log_entry.data)


class RegisterFormatter(LogFormatter):
    label = "接收登记"

    def format_message(self, log_entry):
        return f"接收登记，回执编号 {log_entry.data.get('receipt_number', '')}"


def stage_history(review):
    """The stage history as an HTML list: when, who, from → to, correction note."""
    entries = stage_entries(review)
    if not entries:
        return EMPTY
    return format_html(
        '<ol class="documents-stage-history">{}</ol>',
        format_html_join(
            "",
            "<li><time datetime='{}'>{}</time> {}：{}</li>",
            (
                (
                    entry.timestamp.isoformat(),
                    chinese_datetime(entry.timestamp),
                    entry.user_display_name,
                    stage_change_message(entry.data),
                )
                for entry in entries
            ),
        ),
    )


class StageLoggingMixin:
    """After the form saves a review, log the stage change its form worked out."""

    def save_instance(self):
        instance = super().save_instance()
        change = getattr(self.form, "stage_change", None)
        if change:
            from_stage, to_stage, note, cleared = change
            log_stage_change(instance, from_stage, to_stage, self.request.user, note, cleared)
        return instance


class ReviewCreateView(StageLoggingMixin, snippet_views.CreateView):
    pass


class ReviewEditView(StageLoggingMixin, snippet_views.EditView):
    pass


# -- The document edit view ----------------------------------------------------------------------


# -- Re-extraction of the full text --------------------------------------------------------------


def files_fingerprint(document_pk):
    """What the full text is extracted from: the document's files as saved in the database."""
    if not document_pk:
        return ()
    return tuple(
        DocumentFile.objects.filter(document_id=document_pk)
        .order_by("sort_order", "pk")
        .values_list("file_id", "file__file_hash")
    )


def text_missing(document_pk):
    """A document whose files gave text (status 已提取) but whose full text is empty: what an
    autosave with the form's stale, empty full text used to leave behind (docs/documents-admin.md).
    Extracted again on the next save."""
    return (
        NormativeDocument.objects.filter(
            pk=document_pk, text_status=NormativeDocument.TEXT_OK, full_text=""
        ).exists()
        and DocumentFile.objects.filter(document_id=document_pk).exists()
    )


def refresh_text_if_files_changed(request, document, before, notify=True):
    """Re-extract the full text (documents.extract.refresh_full_text) when the saved files differ
    from `before` (or the text went missing, `text_missing`); returns the document as extracted,
    or None when nothing was extracted. Saving a draft of a published document changes no files
    in the database: the text is extracted when that draft is published. `notify`: say so in a
    message (not for an autosave, whose messages would show up on a later page)."""
    if files_fingerprint(document.pk) == before and not text_missing(document.pk):
        return None
    try:
        from documents.extract import refresh_full_text
    except ImportError:
        logger.warning("documents.extract.refresh_full_text 不可用，未重新提取全文")
        return None

    current = NormativeDocument.objects.get(pk=document.pk)
    try:
        with transaction.atomic():
            refresh_full_text(current)
            NormativeDocument.objects.filter(pk=current.pk).update(
                **{field: getattr(current, field) for field in TEXT_FIELDS}
            )
            sync_latest_revision(current, TEXT_FIELDS)
    except Exception:  # a broken file must not lose the save that has already happened
        logger.exception("重新提取全文失败：%s", current.pk)
        messages.error(request, "文件已保存，但重新提取全文失败，请检查文件后再保存一次。")
        return None
    if notify and manual_entry_needed(current):
        messages.warning(
            request,
            f"文件已更新，但未能提取全文（{current.get_text_status_display()}），需人工录入全文。",
        )
    elif notify:
        messages.info(request, "文件已更新，已重新提取全文。")
    return current


def warn_if_number_taken(request, document):
    """A 文号 already in the registry (in any bracket spelling) is named in a warning: the save
    goes through (a corrected re-issue can share it), but never silently."""
    if not document.number:
        return
    others = list(
        NormativeDocument.objects.with_number(document.number).exclude(pk=document.pk)[:3]
    )
    if others:
        names = "、".join(f"《{other.title}》" for other in others)
        messages.warning(
            request,
            f"文号“{document.number}”已在备案目录中：{names}。请核对是否重复登记。",
        )


class DocumentFormMixin:
    """Create and edit views of a document.

    - The full text is extracted again whenever the files saved in the database change: after
      the form's save (a new document, a draft of an unpublished one) and after publishing (a
      draft of a published document changes its files only then).
    - Wagtail autosaves the open form in the background (WAGTAIL_AUTOSAVE_INTERVAL): the text
      extracted during an autosave goes back to the open form (`field_updates`, see
      NormativeDocumentAdminForm), or the next autosave would save the form's stale, empty text
      over it.
    - A 文号 already in the registry is warned about on save."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.files_before = files_fingerprint(getattr(self.object, "pk", None))

    def refresh_text(self, document):
        current = refresh_text_if_files_changed(
            self.request, document, self.files_before, notify=not self.expects_json_response
        )
        self.files_before = files_fingerprint(document.pk)
        if current is not None:
            for field in TEXT_FIELDS:
                setattr(document, field, getattr(current, field))
            self.form.extracted_text = current.full_text
            if getattr(self, "new_revision", None) is not None:
                # publish_action publishes this object: it must hold the text too.
                self.new_revision.refresh_from_db(fields=["content"])

    def save_instance(self):
        instance = super().save_instance()
        self.refresh_text(instance)
        if not self.expects_json_response:
            warn_if_number_taken(self.request, instance)
        return instance

    def publish_action(self):
        response = super().publish_action()
        self.refresh_text(self.object)
        return response


class DocumentCreateView(DocumentFormMixin, RegisterCreateView):
    pass


class DocumentEditView(DocumentFormMixin, RegisterEditView):
    """Edit a document. The form starts from the latest revision (or, when reverting, an older
    one), which may predate the registration: the registration fields are taken from the
    database row, so saving or publishing never undoes a registration."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            current = (
                NormativeDocument.objects.filter(pk=instance.pk)
                .values(*REGISTRATION_FIELDS)
                .first()
            )
            for field, value in (current or {}).items():
                setattr(instance, field, value)
        return kwargs

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        button = registration_button(self.request.user, self.object)
        return [*buttons, button] if button else buttons


# -- Edit-form panels ----------------------------------------------------------------------------


class TemplatePanel(Panel):
    """A read-only panel rendered from `template`, shown when `shown(instance)` is true."""

    template = None

    def __init__(self, template=None, **kwargs):
        super().__init__(**kwargs)
        self.template = template or self.template

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "template": self.template}

    def shown(self, instance):
        return True

    def context(self, instance, request):
        return {}

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template

        def is_shown(self):
            return self.panel.shown(self.instance)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(self.panel.context(self.instance, self.request))
            return context


class ManualEntryNoticePanel(TemplatePanel):
    """扫描件无文字层 / 提取失败: the text must be typed or corrected by hand."""

    template = "documents/admin/panels/manual_entry_notice.html"

    def shown(self, instance):
        return manual_entry_needed(instance)

    def context(self, instance, request):
        return {"document": instance, "note": instance.text_note.rstrip("。；; ")}


class RegistrationPanel(TemplatePanel):
    """The document's registration: its receipt number and links to 登记 / 回执."""

    template = "documents/admin/panels/registration.html"

    def shown(self, instance):
        return bool(instance.pk)

    def context(self, instance, request):
        current = NormativeDocument.objects.filter(pk=instance.pk).first() or instance
        return {
            "document": current,
            "filing_status": filing_status(instance),
            "registration_button": registration_button(request.user, current),
        }


class StageHistoryPanel(TemplatePanel):
    template = "documents/admin/panels/stage_history.html"

    def shown(self, instance):
        return bool(instance.pk)

    def context(self, instance, request):
        return {"history": stage_history(instance)}


class SuggestionTrackingPanel(TemplatePanel):
    """The tracking number and check code to tell the citizen (who needs both to see the reply)."""

    template = "documents/admin/panels/suggestion_tracking.html"

    def shown(self, instance):
        return bool(instance.pk)

    def context(self, instance, request):
        return {"suggestion": instance}


# -- Dashboard -----------------------------------------------------------------------------------


class ReviewDashboardPanel(Component):
    """备案审查 on the dashboard: what awaits registration, review and reply."""

    name = "documents_review"
    template_name = "documents/admin/dashboard_panel.html"
    order = 140

    def __init__(self, request):
        self.request = request

    @staticmethod
    def is_shown_to(user):
        return any(
            policy_registry.get_by_type(model).user_has_any_permission(user, ["change", "view"])
            for model in (NormativeDocument, Review, ReviewSuggestion)
        )

    def rows(self):
        user = self.request.user
        today = timezone.localdate()
        overdue_from = today - datetime.timedelta(days=FORMAL_CHECK_DAYS)
        rows = []

        def can_see(model):
            policy = policy_registry.get_by_type(model)
            return policy.user_has_any_permission(user, ["change", "view"])

        def listing(model, **params):
            url = reverse(model.snippet_viewset.get_url_name("list"))
            query = "&".join(f"{key}={value}" for key, value in params.items())
            return f"{url}?{query}" if query else url

        if can_see(NormativeDocument):
            unregistered = NormativeDocument.objects.filter(
                date_filed__isnull=False, receipt_number__isnull=True
            )
            rows.append(
                {
                    "label": "已报备、待登记的文件",
                    "count": unregistered.count(),
                    "overdue": unregistered.filter(date_filed__lt=overdue_from).count(),
                    "overdue_label": f"报备超过{FORMAL_CHECK_DAYS}日未登记（形式审查超期）",
                    "url": listing(NormativeDocument, registered=NO),
                }
            )
            manual = NormativeDocument.objects.filter(text_status__in=MANUAL_TEXT_STATUSES)
            rows.append(
                {
                    "label": "需人工录入全文的文件",
                    "count": manual.count(),
                    "url": listing(NormativeDocument, manual=YES),
                }
            )
        if can_see(Review):
            waiting = Review.objects.filter(stage=Review.RECEIVED)
            rows.append(
                {
                    "label": "已登记、待审查",
                    "count": waiting.count(),
                    "overdue": waiting.filter(received_date__lt=overdue_from).count(),
                    "overdue_label": f"登记超过{FORMAL_CHECK_DAYS}日仍未开始审查",
                    "url": listing(Review, stage=Review.RECEIVED),
                }
            )
            rows.append(
                {
                    "label": "审查中",
                    "count": Review.objects.filter(stage=Review.REVIEWING).count(),
                    "url": listing(Review, stage=Review.REVIEWING),
                }
            )
        if can_see(ReviewSuggestion):
            rows.append(
                {
                    "label": "待答复的审查建议",
                    "count": ReviewSuggestion.objects.filter(status__in=SUGGESTION_OPEN).count(),
                    "url": listing(ReviewSuggestion),
                }
            )
        return rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows()}


def dashboard_panels(request, panels):
    if ReviewDashboardPanel.is_shown_to(request.user):
        panels.append(ReviewDashboardPanel(request))


# -- Bulk delete that checks the delete permission -----------------------------------------------


class PermissionCheckedDeleteBulkAction(DeleteBulkAction):
    """Wagtail's snippet bulk delete for the 备案审查 models, refusing users without the delete
    permission outright (Wagtail's own lists the objects they may not delete by name)."""

    @classproperty
    def models(cls):
        return [NormativeDocument, Review, ReviewSuggestion, IssuingBody]

    def dispatch(self, request, *args, **kwargs):
        if not policy_registry.get_by_type(self.model).user_has_permission(request.user, "delete"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
