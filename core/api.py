"""Serializers shared by the page models' `api_fields` (Wagtail API v2 at /api/v2/)."""

from rest_framework import serializers


class NamedSnippetSerializer(serializers.Serializer):
    """A snippet a page points to (NewsCategory, Department) as {"id", "name"}."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def display(field):
    """The Chinese label of a choice field, e.g. APIField("stage_display", display("stage"))."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True)
