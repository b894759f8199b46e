"""Statistics of initiatives and appraisals (news/stats.py) against hand-counted records."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core.periods import ALL, Period
from deputies.factories import DeputyFactory
from news import stats
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    DepartmentFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    InitiativeResponseFactory,
)
from tests.helpers import default_home, make_private

D = datetime.date
TODAY = D(2026, 11, 25)


class InitiativeStatisticsTest(TestCase):
    """Three public initiatives (one without responses), a draft and a private one."""

    @classmethod
    def setUpTestData(cls):
        index = InitiativeIndexPageFactory(parent=default_home())
        cls.deputy = DeputyFactory(name="王代表")

        def page(issued, **kwargs):
            return InitiativePageFactory(parent=index, issued_date=issued, **kwargs)

        def respond(initiative, funds=None, households=None, deputy=None, name=""):
            InitiativeResponseFactory(
                page=initiative,
                deputy=deputy,
                deputy_name=deputy.name if deputy else name,
                funds=funds,
                households=households,
            )

        cls.i1 = page(D(2025, 12, 31), title="一号倡议")
        respond(cls.i1, Decimal("1000.50"), 2, deputy=cls.deputy)
        respond(cls.i1, None, 1, name="张三")
        respond(cls.i1, Decimal("500"), None, deputy=cls.deputy)  # the same deputy again
        cls.i2 = page(D(2026, 1, 1), title="二号倡议")
        respond(cls.i2, Decimal("200"), None, deputy=cls.deputy)
        respond(cls.i2, None, 4, name="张三")
        respond(cls.i2, Decimal("0"), None, name="李四")
        cls.i3 = page(D(2026, 3, 1), title="三号倡议")  # no responses
        draft = page(D(2026, 2, 1), title="草稿倡议", live=False)
        respond(draft, Decimal("9999"), 99, name="赵五")
        private = page(D(2026, 2, 2), title="私密倡议")
        make_private(private)
        respond(private, Decimal("8888"), 88, name="钱六")

    def test_per_initiative_newest_first_and_equal_to_the_page_totals(self):
        result = stats.initiative_statistics(today=TODAY)
        assert [
            (r.label, r.responses, r.deputies, r.funds, r.households) for r in result.initiatives
        ] == [
            ("三号倡议", 0, 0, Decimal("0.00"), 0),
            ("二号倡议", 3, 3, Decimal("200.00"), 4),
            ("一号倡议", 3, 2, Decimal("1500.50"), 3),
        ]
        for row in result.initiatives:
            totals = row.page.totals()
            assert (row.responses, row.deputies, row.funds, row.households) == (
                totals["responses"],
                totals["deputies"],
                totals["funds"],
                totals["households"],
            )

    def test_per_year_and_total(self):
        result = stats.initiative_statistics(today=TODAY)
        assert [
            (r.year, r.initiatives, r.responses, r.deputies, r.funds, r.households)
            for r in result.years
        ] == [
            (2025, 1, 3, 2, Decimal("1500.50"), 3),
            (2026, 2, 3, 3, Decimal("200.00"), 4),
        ]
        total = result.total
        # 王代表 and 张三 took part in both years: three people in all, not five.
        assert (total.initiatives, total.responses, total.deputies) == (3, 6, 3)
        assert (total.funds, total.households) == (Decimal("1700.50"), 7)

    def test_one_year(self):
        result = stats.initiative_statistics(Period.year(2026), today=TODAY)
        assert [r.label for r in result.initiatives] == ["三号倡议", "二号倡议"]
        assert (result.total.funds, result.total.deputies) == (Decimal("200.00"), 3)

    def test_empty_period(self):
        result = stats.initiative_statistics(Period.year(2020), today=TODAY)
        assert result.initiatives == []
        assert (result.total.initiatives, result.total.funds) == (0, Decimal("0.00"))

    def test_queries_do_not_grow_with_the_records(self):
        def run():
            with CaptureQueriesContext(connection) as queries:
                stats.initiative_statistics(ALL, today=TODAY)
            return len(queries)

        before = run()
        for initiative in InitiativePageFactory.create_batch(
            3, parent=self.i1.get_parent(), issued_date=D(2024, 5, 5)
        ):
            InitiativeResponseFactory.create_batch(3, page=initiative)
        assert run() == before <= 4
        assert stats.initiative_statistics(ALL, today=TODAY).total.initiatives == 6


class AppraisalStatisticsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        index = AppraisalIndexPageFactory(parent=default_home())
        x = DepartmentFactory(name="县民政局", sort_order=1)
        y = DepartmentFactory(name="县教育局", sort_order=2)
        z = DepartmentFactory(name="县财政局", sort_order=3)

        def appraisal(year, department, satisfaction, rating, **kwargs):
            return AppraisalPageFactory(
                parent=index,
                year=year,
                department=department,
                overall_satisfaction=satisfaction,
                overall_rating=rating,
                **kwargs,
            )

        appraisal(2024, x, Decimal("88.40"), "基本满意")
        appraisal(2024, y, None, "基本满意")
        appraisal(2025, x, Decimal("93.60"), "满意")
        appraisal(2025, y, Decimal("90.21"), "满意")
        appraisal(2025, z, Decimal("50.00"), "不满意", live=False)  # draft

    def test_per_year(self):
        result = stats.appraisal_statistics(today=TODAY)
        assert [(r.year, r.departments, r.rated, r.average, r.ratings) for r in result.years] == [
            (2024, 2, 1, Decimal("88.40"), {"满意": 0, "基本满意": 2, "不满意": 0}),
            # (93.60 + 90.21) / 2 = 91.905, rounded half up
            (2025, 2, 2, Decimal("91.91"), {"满意": 2, "基本满意": 0, "不满意": 0}),
            (2026, 0, 0, None, {"满意": 0, "基本满意": 0, "不满意": 0}),
        ]
        assert result.total == 4

    def test_year_on_year_per_department(self):
        result = stats.appraisal_statistics(today=TODAY)
        assert result.comparison_years == [2024, 2025]
        assert result.departments == [
            {"name": "县民政局", "cells": [Decimal("88.40"), Decimal("93.60")]},
            {"name": "县教育局", "cells": [None, Decimal("90.21")]},
        ]
        assert result.latest_year == 2025
        assert result.latest == [("县民政局", Decimal("93.60")), ("县教育局", Decimal("90.21"))]

    def test_a_year_belongs_to_the_term_in_force_on_31_december(self):
        term = Period(D(2020, 1, 1), D(2024, 12, 31), "第十七届")
        result = stats.appraisal_statistics(term, today=TODAY)
        assert result.total == 2
        assert [r.year for r in result.years if r.departments] == [2024]
        next_term = Period(D(2025, 1, 1), None, "第十八届")
        assert stats.appraisal_statistics(next_term, today=TODAY).total == 2

    def test_no_records(self):
        result = stats.appraisal_statistics(Period.year(2019), today=TODAY)
        assert result.total == 0
        assert result.latest_year is None

    def test_one_query(self):
        with CaptureQueriesContext(connection) as queries:
            stats.appraisal_statistics(today=TODAY)
        assert len(queries) <= 2
