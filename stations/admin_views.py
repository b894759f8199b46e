"""Admin views of the station network: Wagtail's snippet views, narrowed to the user's stations.

Wagtail's generic snippet views check model permissions only (edit, delete, history, usage,
inspect, compare, revert, unpublish, unschedule, lock, unlock): a station administrator holding
`change_reception` could otherwise open any station's reception by its URL. Two layers refuse
that (stations/permissions.py decides who reaches what):

1. `scope_guard()` wraps every URL of a station viewset and chooser that names an object (a
   `pk` in the URL): the object must be in the user's stations, else PermissionDenied (Wagtail's
   admin answers with a redirect to the dashboard and an error message, 403 for XHR). A view
   added to the viewset later is covered without further code.
2. `StationScopedObjectMixin` in each per-object view checks the view's own action (change,
   delete, publish, lock …) on both the stored row and the object the view works on (the latest
   draft, or the revision being restored).

Listings, exports, choosers and bulk actions are narrowed through the policy's queryset; the
station field of the forms through stations/forms.py.
"""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import classproperty
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from core.admin_views import (
    SEPARATOR,
    DraftStateIndexView,
    RegisterInspectView,
    orm_search_form,
)

from .permissions import ALL_ACTIONS, LISTING_ACTIONS, policy_for

# -- The URL guard ---------------------------------------------------------------------------


def check_in_scope(user, model, pk):
    """Refuse unless `user` reaches the `model` instance `pk` (404 when there is none)."""
    instance = model._default_manager.filter(pk=unquote(str(pk))).first()
    if instance is None:
        raise Http404
    if not policy_for(model).user_has_any_permission_for_instance(user, ALL_ACTIONS, instance):
        raise PermissionDenied
    return instance


def scope_guard(view_func, model):
    """Wrap a view whose URL names an object (`pk`) so that only users reaching it get in."""

    @wraps(view_func)
    def guarded(request, *args, **kwargs):
        if "pk" in kwargs:
            check_in_scope(request.user, model, kwargs["pk"])
        return view_func(request, *args, **kwargs)

    guarded.station_scope_guarded = True
    return guarded


def guard_urlpatterns(urlpatterns, model):
    for pattern in urlpatterns:
        pattern.callback = scope_guard(pattern.callback, model)
    return urlpatterns


# -- Per-object views ------------------------------------------------------------------------


class StationScopedObjectMixin:
    """Check the view's action on the object for the user, as Wagtail's generic views do not.

    `instance_actions`: the user needs one of these on the object (with its station in reach)."""

    instance_actions = ("change",)

    def dispatch(self, request, *args, **kwargs):
        self.check_station_scope()
        return super().dispatch(request, *args, **kwargs)

    def objects_to_check(self):
        working = getattr(self, "object", None)
        if working is None or working.pk is None:
            return []
        stored = type(working)._default_manager.filter(pk=working.pk).first()
        return [obj for obj in (stored, working) if obj is not None]

    def check_station_scope(self):
        policy = policy_for(self.model)
        for obj in self.objects_to_check():
            if not policy.user_has_any_permission_for_instance(
                self.request.user, self.instance_actions, obj
            ):
                raise PermissionDenied


class StationScopedIndexView(DraftStateIndexView):
    """The listing (and its CSV/XLSX export): only the stations the user reaches."""

    def get_base_queryset(self):
        return policy_for(self.model).scope_queryset(self.request.user, super().get_base_queryset())


class EditView(StationScopedObjectMixin, snippet_views.EditView):
    instance_actions = ("change",)


class CopyView(StationScopedObjectMixin, snippet_views.CopyView):
    instance_actions = ("change", "view")


class DeleteView(StationScopedObjectMixin, snippet_views.DeleteView):
    instance_actions = ("delete",)


class UsageView(StationScopedObjectMixin, snippet_views.UsageView):
    instance_actions = ("change",)


class HistoryView(StationScopedObjectMixin, snippet_views.HistoryView):
    instance_actions = ("add", "change", "delete")


class InspectView(StationScopedObjectMixin, RegisterInspectView):
    instance_actions = LISTING_ACTIONS


class RevisionsCompareView(StationScopedObjectMixin, snippet_views.RevisionsCompareView):
    instance_actions = ("change",)


class PreviewRevisionView(StationScopedObjectMixin, snippet_views.PreviewRevisionView):
    instance_actions = ("change",)


class PreviewOnEditView(StationScopedObjectMixin, snippet_views.PreviewOnEditView):
    instance_actions = ("change",)


class RevisionsUnscheduleView(StationScopedObjectMixin, snippet_views.RevisionsUnscheduleView):
    instance_actions = ("publish",)


class UnpublishView(StationScopedObjectMixin, snippet_views.UnpublishView):
    instance_actions = ("publish",)


class LockView(StationScopedObjectMixin, snippet_views.LockView):
    instance_actions = ("lock",)


class UnlockView(StationScopedObjectMixin, snippet_views.UnlockView):
    # Whoever locked the object may unlock it (Wagtail's rule); the station must be in reach.
    instance_actions = ("unlock", "lock", "change")


# -- Receptions: warn about deputies on duty who are not resident at the station --------------


def non_resident_message(deputies):
    names = SEPARATOR.join(deputy.name for deputy in deputies)
    return f"请注意：值班代表{names}不是本站的进站代表。如属临时安排可忽略此提醒，否则请核对。"


class NonResidentWarningMixin:
    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code not in (301, 302) or self.expects_json_response:
            return response
        deputies = getattr(form, "non_resident_deputies", ())
        if deputies:
            messages.warning(self.request, non_resident_message(deputies))
        if getattr(form, "opening_warning", ""):
            messages.warning(self.request, form.opening_warning)
        return response


class ReceptionCreateView(NonResidentWarningMixin, snippet_views.CreateView):
    pass


class ReceptionCopyView(NonResidentWarningMixin, CopyView):
    pass


class ReceptionEditView(NonResidentWarningMixin, EditView):
    pass


# -- Choosers --------------------------------------------------------------------------------


class StationScopedChooseMixin:
    """Choosers list only the objects of the stations the user reaches."""

    search_fields = ()

    def get_object_list(self):
        return policy_for(self.model_class).instances_user_has_any_permission_for(
            self.request.user, LISTING_ACTIONS
        )

    def get_filter_form_class(self):
        return orm_search_form(self.search_fields)


class ChooseView(StationScopedChooseMixin, snippet_chooser.ChooseView):
    pass


class ChooseResultsView(StationScopedChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class ChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return (
            policy_for(self.model_class)
            .instances_user_has_any_permission_for(self.request.user, LISTING_ACTIONS)
            .get(pk=pk)
        )


class ChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return (
            policy_for(self.model_class)
            .instances_user_has_any_permission_for(self.request.user, LISTING_ACTIONS)
            .filter(pk__in=pks)
        )


class CreateView(snippet_chooser.SnippetCreateView):
    """The chooser has no creation form for these models (records are added in their own
    form, where the station choice is narrowed): refuse instead of failing."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class StationScopedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView
    search_fields = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(search_fields=self.search_fields, **kwargs)

    def get_urlpatterns(self):
        return guard_urlpatterns(super().get_urlpatterns(), self.model)


def chooser_viewset_class(search_fields):
    return type(
        "StationScopedChooserViewSet",
        (StationScopedChooserViewSet,),
        {"search_fields": tuple(search_fields)},
    )


# -- Bulk actions ----------------------------------------------------------------------------


class StationScopedDeleteBulkAction(DeleteBulkAction):
    """Wagtail's snippet bulk delete, refusing the whole request when it names an object the
    user may not delete (instead of listing the other station's records by name)."""

    @classproperty
    def models(cls):
        from .models import Activity, Reception, Station

        return [Station, Reception, Activity]

    def get_all_objects_in_listing_query(self, parent_id):
        queryset = policy_for(self.model).scope_queryset(
            self.request.user, self.model._default_manager.all()
        )
        return queryset.values_list("pk", flat=True)

    def dispatch(self, request, *args, **kwargs):
        _objects, extra = self.get_actionable_objects()
        if extra["items_with_no_access"]:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
