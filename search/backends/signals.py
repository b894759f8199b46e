"""Keeping the `public` flag of search entries current where Wagtail saves nothing: a view
restriction (password, login, groups) added to or removed from a page, and a page moved in or out
of a private section, change what the public may find under that page. Saves (publishing,
unpublishing, expiry) re-index the object and set the flag themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import post_page_move


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        refresh_public_flags(instance.page)


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    refresh_public_flags(instance)


def refresh_public_flags(page):
    """Recompute the flag of the entries of `page` and the pages below it."""
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.models import Page

    from search.models import IndexEntry

    subtree = Page.objects.filter(path__startswith=page.path).order_by()
    public = subtree.live().public().filter(depth__gt=1)
    keys = [
        queryset.annotate(_object_id=Cast("pk", output_field=CharField())).values("_object_id")
        for queryset in (subtree, public)
    ]
    entries = IndexEntry.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(Page), object_id__in=keys[0]
    )
    entries.exclude(object_id__in=keys[1]).update(public=False)
    entries.filter(object_id__in=keys[1]).update(public=True)
