"""Helpers shared by the 备案审查 admin tests (test_admin, test_receipt, test_review_stages)."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

STAFF = "法工委"


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


def denied(response):
    """Wagtail answers a forbidden admin URL with 403, or a redirect to the dashboard."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


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


def form_values(form, prefix=""):
    values = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            values[prefix + name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                values[prefix + name] = "on"
        else:
            values[prefix + name] = "" if value is None else str(value)
    return values


def resubmission(form, **changes):
    """The POST data of an edit form submitted with `changes`, inline formsets included."""
    data = form_values(form)
    for relation, formset in getattr(form, "formsets", {}).items():
        data.update(form_values(formset.management_form, f"{relation}-"))
        for number, child in enumerate(formset.forms):
            data.update(form_values(child, f"{relation}-{number}-"))
            data[f"{relation}-{number}-ORDER"] = str(number)
            data[f"{relation}-{number}-DELETE"] = ""
    data.update({key: "" if value is None else str(value) for key, value in changes.items()})
    return data


def edit_form(client, model, pk):
    response = client.get(url(model, "edit", pk))
    assert response.status_code == 200, response.status_code
    return response.context["form"]
