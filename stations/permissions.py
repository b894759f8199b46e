"""Per-station permissions: who may touch which station's records.

Model permissions come from the groups of stations/migrations/0002 (工作站管理员, 代表工委); this
policy narrows them to instances:

- superusers and holders of `stations.manage_all_stations` (代表工委) reach every station and its
  receptions and activities;
- everyone else reaches only the stations they are linked to (`Station.managers`, the reverse
  `user.managed_stations`) and those stations' receptions and activities;
- stations themselves are added and deleted only with `manage_all_stations`, whatever model
  permissions a user holds.

The policies are registered with Wagtail (`register_policies()`, called at the top of
stations/wagtail_hooks.py), so every Wagtail view that consults the policy registry — the snippet
listing and choosers, copy, bulk delete, editing sessions, the admin URL finder — follows them.
The views that check model permissions only are overridden in stations/admin_views.py.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

STATION_ADMINS = "工作站管理员"  # the group of stations/migrations/0002
MANAGE_ALL = "stations.manage_all_stations"
MANAGE_ALL_CODENAME = "manage_all_stations"

# Every action Wagtail asks about for these models (snippets with drafts and locking).
ALL_ACTIONS = ("add", "change", "delete", "view", "publish", "lock", "unlock")
# The actions that make a record show up in a listing or chooser.
LISTING_ACTIONS = ("add", "change", "delete", "view")

_CACHE = "_managed_station_ids"


def sees_all_stations(user):
    """Whether `user` reaches every station (superuser or 代表工委's manage_all_stations)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(MANAGE_ALL)


def managed_station_ids(user):
    """The pks of the stations `user` is linked to, read once per user object (request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, frozenset(user.managed_stations.values_list("pk", flat=True)))
    return getattr(user, _CACHE)


def station_choices(user):
    """The stations `user` may pick in a form, filter or chooser."""
    from .models import Station

    if sees_all_stations(user):
        return Station.objects.all()
    return Station.objects.filter(pk__in=managed_station_ids(user))


def users_seeing_all_stations():
    """Active users who reach every station: superusers and manage_all_stations holders."""
    permission = Permission.objects.filter(
        content_type__app_label="stations", codename=MANAGE_ALL_CODENAME
    )
    return get_user_model().objects.filter(
        Q(is_superuser=True)
        | Q(user_permissions__in=permission)
        | Q(groups__permissions__in=permission),
        is_active=True,
    )


class StationScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the user's stations.

    `station_field` is the lookup from the model to its station ("station" for receptions and
    activities; None for Station itself, whose pk is the station)."""

    station_field = "station"

    def station_id_of(self, instance):
        if self.station_field is None:
            return instance.pk
        return getattr(instance, f"{self.station_field}_id")

    def instance_in_scope(self, user, instance):
        if sees_all_stations(user):
            return True
        station_id = self.station_id_of(instance)
        return station_id is not None and station_id in managed_station_ids(user)

    def scope_queryset(self, user, queryset):
        """Narrow a queryset of this policy's model to the stations `user` reaches."""
        if sees_all_stations(user):
            return queryset
        lookup = "pk__in" if self.station_field is None else f"{self.station_field}__in"
        return queryset.filter(**{lookup: managed_station_ids(user)})

    # -- per instance ------------------------------------------------------------------------

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.instance_in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.instance_in_scope(
            user, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope_queryset(user, self.model._default_manager.all())

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        station_id = self.station_id_of(instance)
        return (
            get_user_model()
            .objects.filter(pk__in=users)
            .filter(Q(pk__in=users_seeing_all_stations()) | Q(managed_stations=station_id))
            .distinct()
        )


class StationPermissionPolicy(StationScopedPermissionPolicy):
    """Stations: a station administrator changes his own stations only and never adds or
    deletes one; adding and deleting need manage_all_stations (代表工委)."""

    station_field = None
    STAFF_ONLY_ACTIONS = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        if action in self.STAFF_ONLY_ACTIONS and not sees_all_stations(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = set(actions)
        staff_only = actions & self.STAFF_ONLY_ACTIONS
        others = actions - staff_only
        query = Q(pk__in=[])
        if others:
            query |= Q(pk__in=super().users_with_any_permission(others))
        if staff_only:
            query |= Q(pk__in=super().users_with_any_permission(staff_only)) & Q(
                pk__in=users_seeing_all_stations()
            )
        return get_user_model().objects.filter(query).distinct()


def register_policies():
    """Register the policies with Wagtail, once, before anything asks for a fallback."""
    from .models import Activity, Reception, Station

    for model, policy_class in (
        (Station, StationPermissionPolicy),
        (Reception, StationScopedPermissionPolicy),
        (Activity, StationScopedPermissionPolicy),
    ):
        if not isinstance(policy_registry.get_by_type(model, fallback=False), policy_class):
            register_permission_policy(model, policy_class(model))


def scope_log_entries(queryset, user):
    """Drop the log entries of station records outside `user`'s stations (used by
    StationLogEntry's manager: Wagtail's site history report and its filters would otherwise
    show every entry of a content type the user holds any permission on)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from .models import Activity, Reception, Station

    if sees_all_stations(user):
        return queryset
    for model in (Station, Reception, Activity):
        reachable = policy_for(model).scope_queryset(user, model._default_manager.all())
        object_ids = reachable.annotate(object_id=Cast("pk", CharField())).values("object_id")
        queryset = queryset.exclude(
            Q(content_type=ContentType.objects.get_for_model(model)) & ~Q(object_id__in=object_ids)
        )
    return queryset


def policy_for(model):
    return policy_registry.get_by_type(model)


def collections_out_of_reach(user):
    """Collection pks of the stations' files that `user` may not reach whatever his groups'
    grants: for anyone who does not see every station, the stations' common collection and every
    station collection (and below) but his own stations'. core/file_collections.py asks this
    through the hook `file_collections_out_of_reach` (stations/wagtail_hooks.py)."""
    from wagtail.models import Collection

    from core.models import FileCollection

    from .models import Station

    if sees_all_stations(user):
        return set()
    parent = FileCollection.collection_for(FileCollection.STATIONS)
    if parent is None:
        return set()
    tree = Collection.objects.filter(path__startswith=parent.path)
    own = Q(pk__in=[])
    for path in Collection.objects.filter(
        pk__in=Station.objects.filter(pk__in=managed_station_ids(user)).values("collection")
    ).values_list("path", flat=True):
        own |= Q(path__startswith=path)
    return set(tree.exclude(own).values_list("pk", flat=True))
