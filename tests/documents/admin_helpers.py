"""Helpers shared by the 备案审查 admin tests (test_admin, test_receipt, test_review_stages);
those every register's admin tests use are tests/admin_helpers.py."""

from django.urls import reverse

from tests.admin_helpers import url

STAFF = "法工委"


def denied(response):
    """Wagtail answers a forbidden admin URL with 403, or a redirect to the dashboard."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


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
