"""Helpers for the apps' demo.py modules (used by `manage.py load_demo_data`)."""

import datetime

from django.utils import timezone
from wagtail.models import Page


def publish(page, on_date=None):
    """Save a revision and publish it, as an editor would; backdate it to `on_date` if given."""
    revision = page.save_revision()
    revision.publish()
    if on_date is not None:
        when = timezone.make_aware(datetime.datetime.combine(on_date, datetime.time(9, 30)))
        Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
        type(revision).objects.filter(pk=revision.pk).update(created_at=when)
    return page


def child_by_slug(parent, slug):
    return Page.objects.child_of(parent).filter(slug=slug).specific().first()
