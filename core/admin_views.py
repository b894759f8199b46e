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
- `PermissionCheckedChooserViewSet`: every register's snippet chooser: unlike Wagtail's default
  one, it lists every record only to users with a permission on the model, the published ones
  (`chooser_public_choice`) or nothing (403) to others; `orm_search_form` for Chinese-safe
  chooser search.
- Display helpers for listings, exports and inspect rows: `SEPARATOR`, `EMPTY`, `chinese_date`,
  `yes_no`, `publication`.
"""

from collections import OrderedDict

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from wagtail.admin.forms.choosers import BaseFilterForm
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


# -- Choosers that check permissions ----------------------------------------------------------

LISTING_ACTIONS = ("add", "change", "delete", "view")


def orm_search_form(search_fields):
    """A chooser filter form searching `search_fields` with the ORM (icontains): Chinese-safe,
    it works on a narrowed queryset on SQLite (wagtail#10217), and it searches only the fields
    named (a chooser must not find a record by a private field)."""

    class OrmSearchFilterForm(BaseFilterForm):
        q = forms.CharField(
            label="搜索",
            required=False,
            widget=forms.TextInput(attrs={"placeholder": "搜索"}),
        )

        def filter(self, objects):
            objects = super().filter(objects)
            query = self.cleaned_data.get("q", "").strip()
            if query and search_fields:
                condition = Q()
                for field in search_fields:
                    condition |= Q(**{f"{field}__icontains": query})
                objects = objects.filter(condition).distinct()
                self.is_searching = True
                self.search_query = query
            return objects

    return OrmSearchFilterForm


class ModelPermissionRequiredMixin:
    """Wagtail's snippet choosers list any model for any admin user. These list every object to
    users holding one of the model's permissions (add, change, delete, view), as the model's own
    admin views do; other users get `public_choice(user)` (the published records the site shows
    anyway, for registers that pages and other registers link to) or, without it, a 403."""

    public_choice = None
    search_fields = ()

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        self.sees_all = policy.user_has_any_permission(request.user, LISTING_ACTIONS)
        if not self.sees_all and self.public_choice is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def choosable(self):
        if self.sees_all:
            return self.model_class._default_manager.all()
        return self.public_choice(self.request.user)

    def get_object_list(self):
        return self.choosable()

    def get_object(self, pk):
        return self.choosable().get(pk=pk)

    def get_objects(self, pks):
        return self.choosable().filter(pk__in=pks)

    def get_filter_form_class(self):
        if self.search_fields:
            return orm_search_form(self.search_fields)
        return super().get_filter_form_class()


def _checked(name, view_class):
    return type(name, (ModelPermissionRequiredMixin, view_class), {})


class PermissionCheckedChooserViewSet(SnippetChooserViewSet):
    """The chooser of every register (RegisterViewSet): permission-checked as above.
    `public_choice` and `search_fields` come from the register's viewset
    (`chooser_public_choice`, `chooser_search_fields`)."""

    choose_view_class = _checked("ChooseView", snippet_chooser.ChooseView)
    choose_results_view_class = _checked("ChooseResultsView", snippet_chooser.ChooseResultsView)
    chosen_view_class = _checked("ChosenView", snippet_chooser.SnippetChosenView)
    chosen_multiple_view_class = _checked(
        "ChosenMultipleView", snippet_chooser.SnippetChosenMultipleView
    )
    create_view_class = _checked("CreateView", snippet_chooser.SnippetCreateView)
    public_choice = None
    search_fields = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            public_choice=self.public_choice, search_fields=self.search_fields, **kwargs
        )


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
    # The chooser (PermissionCheckedChooserViewSet): staff with a permission on the model choose
    # from every record; `chooser_public_choice(user)`, if set, is what others may choose (the
    # published records, for registers that pages and other registers link to); the chooser
    # searches `chooser_search_fields` with the ORM (else Wagtail's search, if indexed).
    chooser_public_choice = None
    chooser_search_fields = ()

    @property
    def chooser_viewset_class(self):
        return type(
            "RegisterChooserViewSet",
            (PermissionCheckedChooserViewSet,),
            {
                "public_choice": staticmethod(self.chooser_public_choice)
                if self.chooser_public_choice
                else None,
                "search_fields": tuple(self.chooser_search_fields),
            },
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(export_accessors=self.export_accessors, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(extra_fields=self.inspect_extra_fields, **kwargs)
