"""Statistics of the duty record (deputies/stats.py) against hand-counted records."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core.periods import ALL, Period
from deputies import stats
from deputies.factories import (
    CheckInFactory,
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
)
from deputies.models import CheckIn, Deputy

D = datetime.date
TODAY = D(2026, 11, 25)  # in the fourth quarter of 2026


def rows(items):
    return {row.key: (row.sessions, row.attendances) for row in items}


class TrainingStatisticsTest(TestCase):
    """Four trainings, nine attendances; the year boundary falls between t2 and t3."""

    @classmethod
    def setUpTestData(cls):
        def training(start, level, form, attendees):
            training = TrainingFactory(
                start_date=start, end_date=None, organiser_level=level, form=form
            )
            for _ in range(attendees):
                TrainingAttendanceFactory(training=training)
            return training

        training(D(2025, 3, 10), "provincial", "central", 3)
        training(D(2025, 12, 31), "county", "video", 2)
        training(D(2026, 1, 1), "county", "central", 4)
        training(D(2026, 6, 1), "expert", "forum", 0)

    def test_all_years(self):
        result = stats.training_statistics(today=TODAY)
        assert (result.total.sessions, result.total.attendances) == (4, 9)
        assert rows(result.years) == {2025: (2, 5), 2026: (2, 4)}
        assert [row.label for row in result.years] == ["2025年", "2026年"]
        assert rows(result.by_level) == {
            "provincial": (1, 3),
            "city": (0, 0),
            "county": (2, 6),
            "expert": (1, 0),
        }
        assert rows(result.by_form) == {
            "central": (2, 7),
            "video": (1, 2),
            "meeting": (0, 0),
            "exchange": (0, 0),
            "forum": (1, 0),
        }

    def test_one_year_starts_on_the_first_of_january(self):
        result = stats.training_statistics(Period.year(2026), today=TODAY)
        assert (result.total.sessions, result.total.attendances) == (2, 4)
        assert rows(result.years) == {2026: (2, 4)}
        assert rows(result.by_level)["county"] == (1, 4)

    def test_a_term_across_the_year_boundary(self):
        term = Period(D(2025, 6, 1), D(2026, 3, 31), "届")
        result = stats.training_statistics(term, today=TODAY)
        assert (result.total.sessions, result.total.attendances) == (2, 6)
        assert rows(result.years) == {2025: (1, 2), 2026: (1, 4)}

    def test_agrees_with_the_models_yearly_counts(self):
        result = stats.training_statistics(today=TODAY)
        from deputies.models import Training

        for row in result.years:
            counts = Training.yearly_counts(row.key)
            assert (counts["sessions"], counts["attendances"]) == (row.sessions, row.attendances)

    def test_years_without_trainings_are_listed_with_zeros(self):
        result = stats.training_statistics(Period(D(2024, 1, 1), None), today=TODAY)
        assert rows(result.years) == {2024: (0, 0), 2025: (2, 5), 2026: (2, 4)}

    def test_no_records(self):
        result = stats.training_statistics(Period.year(2020), today=TODAY)
        assert (result.total.sessions, result.total.attendances) == (0, 0)
        assert rows(result.years) == {2020: (0, 0)}

    def test_one_query_whatever_the_number_of_records(self):
        with CaptureQueriesContext(connection) as before:
            stats.training_statistics(today=TODAY)
        for index in range(4):
            training = TrainingFactory(start_date=D(2024 + index % 3, 5, 1))
            TrainingAttendanceFactory.create_batch(3, training=training)
        with CaptureQueriesContext(connection) as after:
            result = stats.training_statistics(today=TODAY)
        assert len(before) == len(after) == 1
        assert result.total.sessions == 8


class CheckInStatisticsTest(TestCase):
    """Five deputies (one unpublished, one terminated in August, one elected in October), two
    groups of the current term and one of the last; check-ins on quarter boundaries. The expected
    numbers per quarter are worked out in the test docstrings."""

    @classmethod
    def setUpTestData(cls):
        term = TermFactory(number=18, start_date=D(2021, 12, 1), end_date=D(2026, 12, 31))
        old_term = TermFactory(
            number=17, name="第十七届", start_date=D(2016, 12, 1), end_date=D(2021, 11, 30)
        )
        cls.g1 = DeputyGroupFactory(term=term, name="一组")
        cls.g2 = DeputyGroupFactory(term=term, name="二组")
        DeputyGroupFactory(term=old_term, name="旧组")
        cls.a = DeputyFactory(name="甲代表")
        cls.b = DeputyFactory(name="乙代表")
        cls.c = DeputyFactory(
            name="丙代表",
            status=Deputy.TERMINATED,
            status_date=D(2026, 8, 15),
            status_reason="resigned",
        )
        cls.d = DeputyFactory(name="丁代表", live=False)
        cls.e = DeputyFactory(name="戊代表", elected_date=D(2026, 10, 10))

        def to_group(deputy, group, date):
            CheckInFactory(deputy=deputy, kind=CheckIn.TO_GROUP, group=group, date=date)

        def to_voters(deputy, date):
            CheckInFactory(deputy=deputy, kind=CheckIn.TO_VOTERS, group=None, date=date)

        to_voters(cls.b, D(2026, 6, 30))  # Q2, last day
        to_group(cls.c, cls.g1, D(2026, 4, 15))  # Q2
        to_group(cls.a, cls.g1, D(2026, 7, 1))  # Q3, first day
        to_voters(cls.a, D(2026, 9, 30))  # Q3, last day
        to_group(cls.d, cls.g2, D(2026, 8, 1))  # unpublished deputy: not counted
        to_group(cls.b, cls.g2, D(2026, 10, 1))  # Q4, first day
        to_group(cls.a, cls.g1, D(2026, 11, 20))  # Q4
        to_voters(cls.b, D(2026, 12, 20))  # after today: not counted

    def quarters(self, period):
        result = stats.checkin_statistics(period, today=TODAY)
        return {
            (row.year, row.quarter): (
                row.checkins,
                row.to_group,
                row.to_voters,
                row.deputies_expected,
                row.deputies_reporting,
                row.deputies_overdue,
                row.groups_expected,
                row.groups_overdue,
            )
            for row in result.quarters
        }, result

    def test_every_quarter_of_the_year(self):
        """Q1: A, B, C expected, nobody reported, both groups overdue. Q2: B (voters) and C (G1)
        reported, A overdue, G2 overdue. Q3: C has left; A reported twice, B overdue; G2 only
        heard from the unpublished D, so overdue. Q4 (to date): E elected; A and B reported to
        G1 and G2, E overdue."""
        quarters, result = self.quarters(Period.year(2026))
        assert quarters == {
            (2026, 1): (0, 0, 0, 3, 0, 3, 2, 2),
            (2026, 2): (2, 1, 1, 3, 2, 1, 2, 1),
            (2026, 3): (2, 1, 1, 2, 1, 1, 2, 1),
            (2026, 4): (2, 2, 0, 3, 2, 1, 2, 0),
        }
        assert result.total == 6
        assert [row.current for row in result.quarters] == [False, False, False, True]
        assert result.latest.label == "2026年第4季度"

    def test_the_current_quarter_agrees_with_checkin_overdue(self):
        _quarters, result = self.quarters(Period.year(2026))
        assert list(CheckIn.overdue(TODAY)) == [self.e]
        assert result.latest.deputies_overdue == 1

    def test_all_records_start_at_the_first_quarter_with_a_checkin(self):
        quarters, _result = self.quarters(ALL)
        assert list(quarters) == [(2026, 2), (2026, 3), (2026, 4)]

    def test_a_period_ending_mid_quarter(self):
        quarters, result = self.quarters(Period(D(2026, 7, 1), D(2026, 8, 31), "x"))
        assert list(quarters) == [(2026, 3)]
        assert quarters[(2026, 3)][:3] == (1, 1, 0)  # the 30 September check-in is outside
        assert result.total == 1

    def test_a_period_in_the_future_has_no_quarters(self):
        _quarters, result = self.quarters(Period.year(2027))
        assert result.quarters == []
        assert result.latest is None

    def test_three_queries_whatever_the_number_of_records(self):
        with CaptureQueriesContext(connection) as before:
            stats.checkin_statistics(Period.year(2026), today=TODAY)
        for index in range(5):
            deputy = DeputyFactory()
            CheckInFactory(deputy=deputy, group=self.g1, date=D(2026, 1 + index * 2, 3))
            CheckInFactory(deputy=deputy, kind=CheckIn.TO_VOTERS, group=None, date=D(2026, 5, 3))
        DeputyGroupFactory(term=self.g1.term)
        with CaptureQueriesContext(connection) as after:
            result = stats.checkin_statistics(Period.year(2026), today=TODAY)
        assert len(before) == len(after) == 3
        assert result.total == 16
