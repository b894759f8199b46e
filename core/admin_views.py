"""The register-admin scaffolding every app's snippet viewsets share (deputies, stations,
documents), on Wagtail's generic views. Apps import it from here, never from each other.

- `RegisterViewSet`: the base of a register's `SnippetViewSet`: ORM search (Wagtail's database
  search backends do not split Chinese and crash on SQLite, wagtail#10217), computed export
  columns (`export_accessors`) and inspect rows (`inspect_extra_fields`), 50 rows a page.
- `RegisterIndexView` (`ChineseSpreadsheetExportMixin`): the snippet listing plus computed export
  columns, Chinese yes/no, a CSV that opens in Excel with its Chinese intact (UTF-8 with a
  byte-order mark) and dated file names; `DraftStateIndexView` for draftable models, without a
  query per row for the 发布状态 column (`attach_scheduled_revisions`).
- `RegisterInspectView`: the inspect view plus computed rows (`extra_fields`).
- `PermissionCheckedChooserViewSet`: a snippet chooser that, unlike Wagtail's default one, refuses
  users without any permission on the model.
- Display helpers for listings, exports and inspect rows: `SEPARATOR`, `EMPTY`, `chinese_date`,
  `yes_no`, `publication`.
"""

from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from wagtail.admin.views import generic
from wagtail.coreutils import multigetattr
from wagtail.models import Revision
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

SEPARATOR = "、"
EMPTY = "—"


# -- Display helpers ---------------------------------------------------------------------------


def chinese_date(value):
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def yes_no(value):
    return "是" if value else "否"


def publication(obj):
    """The 发布状态 of a draftable object, in words."""
    if not obj.live:
        return "草稿（未发布）"
    return "已发布，另有未发布的修改" if obj.has_unpublished_changes else "已发布"


# -- Listing and inspect views -------------------------------------------------------------------


class ChineseSpreadsheetExportMixin:
    """Computed export columns, Chinese yes/no, a CSV Excel reads as UTF-8, dated file names.

    `export_accessors` maps a `list_export` entry to a function of the row's object, for values
    the model does not have as an attribute (levels joined, townships, counts …)."""

    export_accessors = {}

    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        bool: {"csv": yes_no, "xlsx": yes_no},
    }

    def to_row_dict(self, item):
        return OrderedDict(
            (
                field,
                self.export_accessors[field](item)
                if field in self.export_accessors
                else multigetattr(item, field),
            )
            for field in self.list_export
        )

    def get_filename(self):
        return f"{super().get_filename()}-{timezone.localdate():%Y%m%d}"

    def write_csv_response(self, queryset):
        def rows():
            yield "\ufeff"  # byte-order mark: Excel then reads the file as UTF-8, not GBK
            yield from self.stream_csv(queryset)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{self.get_filename()}.csv"
        )
        return response


class RegisterIndexView(ChineseSpreadsheetExportMixin, snippet_views.IndexView):
    pass


def attach_scheduled_revisions(objects):
    """Fill the `scheduled_revision` cached property of draftable objects in one query.

    The listing's 发布状态 column reads `status_string`, which asks for the scheduled revision: a
    query per row otherwise."""
    if not objects:
        return
    model = type(objects[0])
    scheduled = {}
    revisions = Revision.objects.filter(
        base_content_type=model.get_base_content_type(),
        object_id__in=[str(obj.pk) for obj in objects],
        approved_go_live_at__isnull=False,
    ).order_by("pk")  # as `scheduled_revision`'s `.first()` on the unordered revisions
    for revision in revisions:
        scheduled.setdefault(revision.object_id, revision)
    for obj in objects:
        obj.__dict__["scheduled_revision"] = scheduled.get(str(obj.pk))


class DraftStateIndexView(RegisterIndexView):
    """The listing of a draftable register, without a query per row for its status."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = rows = list(object_list)
        attach_scheduled_revisions(rows)
        return paginator, page, rows, is_paginated


class RegisterInspectView(snippet_views.InspectView):
    """`extra_fields` maps a row name to (label, function of the object) for computed rows."""

    extra_fields = {}

    def get_field_label(self, field_name, field):
        if field_name in self.extra_fields:
            return self.extra_fields[field_name][0]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in self.extra_fields:
            value = self.extra_fields[field_name][1](self.object)
        else:
            value = super().get_field_display_value(field_name, field)
        return EMPTY if value is None or value == "" else value


# -- A chooser that checks model permissions -----------------------------------------------------


class ModelPermissionRequiredMixin:
    """Wagtail's snippet choosers list any model for any admin user; these ask for at least one
    of the model's permissions, as the model's own admin views do."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _checked(name, view_class):
    return type(name, (ModelPermissionRequiredMixin, view_class), {})


class PermissionCheckedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = _checked("ChooseView", snippet_chooser.ChooseView)
    choose_results_view_class = _checked("ChooseResultsView", snippet_chooser.ChooseResultsView)
    chosen_view_class = _checked("ChosenView", snippet_chooser.SnippetChosenView)
    chosen_multiple_view_class = _checked(
        "ChosenMultipleView", snippet_chooser.SnippetChosenMultipleView
    )
    create_view_class = _checked("CreateView", snippet_chooser.SnippetCreateView)


# -- The viewset -------------------------------------------------------------------------------


def form_error_summary(form, limit=5):
    """The fields in error of a form and of its inline formsets (Wagtail's ClusterForm), named:
    ["选区第 1 行 · 选区：请选择选区。", "姓名：…"], at most `limit`. Wagtail's own message only
    says that there are errors, and an inline row's "必需字段" names nothing when the row is
    folded away or long."""
    items = []

    def add(prefix, bound_form):
        for name, errors in bound_form.errors.items():
            label = bound_form.fields[name].label if name in bound_form.fields else ""
            for error in errors:
                items.append(f"{prefix}{label}：{error}" if label else f"{prefix}{error}")

    add("", form)
    for formset in getattr(form, "formsets", {}).values():
        verbose = formset.model._meta.verbose_name
        for error in formset.non_form_errors():
            items.append(f"{verbose}：{error}")
        for number, child in enumerate(formset.forms, 1):
            if formset.can_delete and formset._should_delete_form(child):
                continue
            add(f"{verbose}第 {number} 行 · ", child)
    if len(items) > limit:
        items = [*items[:limit], f"另有 {len(items) - limit} 处错误"]
    return items


class NamedErrorsMixin:
    """Create/edit views whose error message names every field in error (form_error_summary)."""

    def is_valid(self, form):
        self.form = form  # Wagtail builds the error message in is_valid(), before form_invalid()
        return super().is_valid(form)

    def get_error_message(self):
        message = super().get_error_message()
        form = getattr(self, "form", None)
        if not message or form is None or self.expects_json_response:
            return message
        summary = form_error_summary(form)
        return f"{message}请检查：{'；'.join(summary)}" if summary else message


class RegisterCreateView(NamedErrorsMixin, snippet_views.CreateView):
    pass


class RegisterEditView(NamedErrorsMixin, snippet_views.EditView):
    pass


class RegisterViewSet(SnippetViewSet):
    """What every register's viewset shares: ORM search (Wagtail's database search backends do
    not split Chinese and crash on SQLite, wagtail#10217), computed export columns and inspect
    rows, 50 rows a page."""

    index_view_class = RegisterIndexView
    add_view_class = RegisterCreateView
    edit_view_class = RegisterEditView
    inspect_view_class = RegisterInspectView
    search_backend_name = None
    list_per_page = 50
    export_accessors = {}
    inspect_extra_fields = {}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(export_accessors=self.export_accessors, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(extra_fields=self.inspect_extra_fields, **kwargs)
