"""Who may choose, add and download which images and documents: files by collection.

Wagtail keeps every image and document in a collection (a tree under the root collection) and
grants `add`/`choose`/`change` per collection (GroupCollectionPermission), a grant reaching the
collection's descendants too. Here:

- the **root collection** holds public editorial content (news, pages) only. A grant on the root
  reaches the root alone, not the collections below it: those are the registers' (each station's,
  the deputies' photos, 法工委's normative documents, core.models.FileCollection), and an editor
  who may choose editorial images must not choose an internal activity's photos. Grants on any
  other collection reach its descendants as in Wagtail;
- apps narrow further per user through the Wagtail hook `file_collections_out_of_reach(user)`,
  which returns collection pks the user may not reach whatever his groups hold (stations: the
  collections of stations he does not administer, stations/wagtail_hooks.py).

`FilePermissionPolicy` is Wagtail's CollectionOwnershipPermissionPolicy with those two rules,
registered for the image and document models (`register_file_policies()`, core/wagtail_hooks.py),
so the choosers, chosen views, upload forms, listings, edit views and every other Wagtail view that
asks the policy registry follow them. docs/security.md, "Files by collection".
"""

from django.db.models import Q
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry

OUT_OF_REACH_HOOK = "file_collections_out_of_reach"
_CACHE = "_file_collections_out_of_reach"


def add_child_collection(collection_model, parent, name):
    """Add a child collection named `name` under `parent`; return it as a `collection_model`
    instance. For the apps' data migrations: historical models lack treebeard's add_child, and
    Wagtail keeps siblings ordered by name (node_order_by), which treebeard's own method does; a
    path computed by hand out of that order makes later inserts collide."""
    from wagtail.models import Collection as TreeCollection

    child = TreeCollection.objects.get(pk=parent.pk).add_child(name=name)
    parent.refresh_from_db()
    return collection_model.objects.get(pk=child.pk)


def out_of_reach(user):
    """Collection pks `user` may not reach whatever his grants (the hooks' union), read once per
    user object (request)."""
    if not hasattr(user, _CACHE):
        excluded = set()
        for hook in hooks.get_hooks(OUT_OF_REACH_HOOK):
            excluded.update(hook(user))
        setattr(user, _CACHE, frozenset(excluded))
    return getattr(user, _CACHE)


def grant_reaches(permission, collection):
    """Whether a GroupCollectionPermission reaches `collection`: the granted collection itself,
    and its descendants unless it is the root."""
    granted = permission.collection
    if collection.pk == granted.pk:
        return True
    return granted.depth > 1 and collection.is_descendant_of(granted)


class FilePermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection policy for images and documents, with the root's grants reaching the
    root only and the hooks' collections out of reach (see the module's docstring)."""

    def _check_perm(self, user, actions, collection=None):
        if not (user.is_active and user.is_authenticated):
            return False
        if user.is_superuser:
            return True
        permissions = self._get_user_permission_objects_for_actions(user, actions)
        if collection is None:
            return bool(permissions)
        if collection.pk in out_of_reach(user):
            return False
        return any(grant_reaches(permission, collection) for permission in permissions)

    def _collections_with_perm(self, user, actions):
        condition = Q(pk__in=[])
        for permission in self._get_user_permission_objects_for_actions(user, actions):
            granted = permission.collection
            condition |= Q(pk=granted.pk)
            if granted.depth > 1:
                condition |= Q(path__startswith=granted.path, depth__gt=granted.depth)
        return Collection.objects.filter(condition).exclude(pk__in=out_of_reach(user))

    def _users_with_perm_filter(self, actions, collection=None):
        if collection is None or collection.depth == 1:
            return super()._users_with_perm_filter(actions, collection=collection)
        # Grants on the collection or its ancestors below the root (the root's stay there).
        permissions = self._get_permission_objects_for_actions(actions)
        ancestors = collection.get_ancestors(inclusive=True).filter(depth__gt=1)
        return Q(is_active=True) & (
            Q(is_superuser=True)
            | Q(
                groups__collection_permissions__permission__in=permissions,
                groups__collection_permissions__collection__in=ancestors,
            )
        )


def register_file_policies():
    """Register FilePermissionPolicy for the image and document models. `exact_class`: such a
    registration wins over the policies wagtail.images and wagtail.documents register in their
    AppConfig.ready, which may run after this (wagtail.snippets' ready loads the hooks modules)."""
    for model, auth_model in (
        (get_image_model(), "wagtailimages.Image"),
        (get_document_model(), "wagtaildocs.Document"),
    ):
        if not isinstance(policy_registry.values_by_exact_class.get(model), FilePermissionPolicy):
            policy_registry.register(
                model,
                FilePermissionPolicy(
                    model, auth_model=auth_model, owner_field_name="uploaded_by_user"
                ),
                exact_class=True,
            )


def file_policy(model):
    return policy_registry.get_by_type(model)


def choosable(user, model):
    """The `model` (image or document) objects `user` may choose."""
    return file_policy(model).instances_user_has_any_permission_for(user, ["choose"])


def may_choose(user, instance):
    return file_policy(type(instance)).user_has_permission_for_instance(user, "choose", instance)


# -- For the apps' data migrations (historical models: everything through `apps`) -------------


def ensure_register_collection(apps, key, name):
    """The collection of register `key` (core.models.FileCollection), made under the root and
    named `name` if it does not exist yet."""
    Collection = apps.get_model("wagtailcore", "Collection")
    FileCollection = apps.get_model("core", "FileCollection")
    row = FileCollection.objects.filter(key=key).select_related("collection").first()
    if row is not None:
        return row.collection
    root = Collection.objects.get(depth=1)
    collection = add_child_collection(Collection, root, name)
    FileCollection.objects.create(key=key, collection=collection)
    return collection


def referenced_by_pages(apps, app_label, model_name):
    """Pks (as ints) of the `app_label.model_name` objects that some page refers to (Wagtail's
    reference index: a page's cover image, images and document links in its body)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    file_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
    if page_type is None or file_type is None:
        return set()
    keys = ReferenceIndex.objects.filter(
        base_content_type=page_type, to_content_type=file_type
    ).values_list("to_object_id", flat=True)
    return {int(key) for key in keys if str(key).isdecimal()}


def move_root_files(apps, app_label, model_name, pks, collection):
    """Move the files `pks` that are in the root collection, and that no page uses, into
    `collection`; return how many moved."""
    model = apps.get_model(app_label, model_name)
    pks = set(pks) - {None} - referenced_by_pages(apps, app_label, model_name)
    return model.objects.filter(pk__in=pks, collection__depth=1).update(collection=collection)


def grant(apps, group, collection, codenames, revoke=False):
    """Add (or with `revoke`, delete) the group's collection permissions "app_label.codename"."""
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for name in codenames:
        app_label, codename = name.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        if revoke:
            GroupCollectionPermission.objects.filter(
                group=group, collection=collection, permission=permission
            ).delete()
        else:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
