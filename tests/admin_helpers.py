"""Helpers shared by the admin tests of every register (deputies, stations, documents): snippet
URLs, users in staff groups, what a listing lists, the rows of a CSV or XLSX export."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def make_user(username, *groups, superuser=False, first_name=""):
    """A user in the named groups; `first_name` is the display name (Chinese names are whole)."""
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = User.objects.create_user(
        username, f"{username}@example.com", "pw", first_name=first_name
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def listed(response):
    """The objects on a listing page."""
    assert response.status_code == 200, response.status_code
    return list(response.context["object_list"])


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def text(response):
    return body(response).decode("utf-8", "replace")


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    content = body(response).decode("utf-8")
    assert content.startswith("\ufeff"), "the CSV starts with a byte-order mark for Excel"
    return list(csv.reader(io.StringIO(content[1:])))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


class ListingAssertions:
    """For TestCases whose client is logged in: what a snippet listing lists, with filters."""

    def listing(self, model, **params):
        return listed(self.client.get(url(model, "list"), params))

    def assertListed(self, model, params, expected):
        self.assertCountEqual(self.listing(model, **params), expected, params)
