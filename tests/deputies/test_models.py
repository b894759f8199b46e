"""Model rules of the deputies register: dated memberships, status, areas, elections, counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from deputies.factories import (
    CheckInFactory,
    CommitteeMemberFactory,
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DutyReportFactory,
    GroupMembershipFactory,
    TermFactory,
    TownshipFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VillageFactory,
    level,
)
from deputies.models import Area, CheckIn, Deputy, GroupMembership, Level, Term, Training
from deputies.models.base import quarter_bounds, quarter_of
from deputies.models.register import duplicate_term_elections

D = datetime.date


@pytest.mark.django_db
def test_the_five_levels_are_seeded_in_order():
    assert [lv.name for lv in Level.objects.all()] == ["全国", "省", "市", "县", "乡镇"]


@pytest.mark.django_db
def test_staff_groups_exist_and_only_voter_data_group_sees_voter_persons():
    from django.contrib.auth.models import Group, Permission

    staff = Group.objects.get(name="代表工委")
    voter = Group.objects.get(name="选民信息管理")
    staff_codes = set(staff.permissions.values_list("codename", flat=True))
    voter_codes = set(voter.permissions.values_list("codename", flat=True))
    assert {"change_deputy", "publish_deputy", "add_training", "view_checkin"} <= staff_codes
    assert not any("votercontactperson" in code for code in staff_codes)
    assert {"view_votercontactperson", "change_votercontactperson"} <= voter_codes
    others_with_voter_data = Permission.objects.filter(
        codename__contains="votercontactperson", group__in=Group.objects.exclude(pk=voter.pk)
    )
    assert not others_with_voter_data.exists()


@pytest.mark.django_db
def test_dated_memberships_as_of_a_date():
    early = GroupMembershipFactory(start_date=D(2022, 1, 1), end_date=D(2023, 12, 31))
    late = GroupMembershipFactory(start_date=D(2024, 1, 1), end_date=None)
    open_start = GroupMembershipFactory(start_date=None, end_date=None)
    assert set(GroupMembership.objects.as_of(D(2023, 6, 1))) == {early, open_start}
    assert set(GroupMembership.objects.as_of(D(2023, 12, 31))) == {early, open_start}
    assert set(GroupMembership.objects.as_of(D(2024, 1, 1))) == {late, open_start}
    assert early.in_force(D(2023, 6, 1)) and not early.in_force(D(2024, 6, 1))


@pytest.mark.django_db
def test_end_date_before_start_date_is_refused():
    membership = GroupMembershipFactory.build(
        group=GroupMembershipFactory().group,
        deputy=DeputyFactory(),
        start_date=D(2024, 5, 1),
        end_date=D(2024, 4, 30),
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert caught.value.message_dict["end_date"] == ["结束日期不能早于开始日期。"]


@pytest.mark.django_db
def test_serving_as_of_a_date_follows_election_and_termination():
    current = DeputyFactory(elected_date=D(2021, 11, 20))
    later = DeputyFactory(elected_date=D(2024, 3, 1))  # 补选
    gone = DeputyFactory(
        elected_date=D(2021, 11, 20),
        status=Deputy.TERMINATED,
        status_date=D(2025, 3, 1),
        status_reason="transferred",
    )
    assert set(Deputy.objects.serving(D(2023, 1, 1))) == {current, gone}
    assert set(Deputy.objects.serving(D(2025, 6, 1))) == {current, later}
    assert gone.is_serving(D(2025, 2, 28)) and not gone.is_serving(D(2025, 3, 1))


@pytest.mark.django_db
def test_public_excludes_drafts():
    published = DeputyFactory()
    DeputyFactory(live=False)
    assert list(Deputy.objects.public()) == [published]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": Deputy.TERMINATED}, "status_date", "代表资格终止时请填写终止日期。"),
        (
            {"status": Deputy.TERMINATED, "status_date": D(2025, 1, 1)},
            "status_reason",
            "代表资格终止时请选择终止原因。",
        ),
        ({"status_reason": "resigned"}, "status", "填写了终止日期或原因时，状态应为“终止”。"),
        (
            {"surname_length": 2, "name": "王五"},
            "surname_length",
            "姓的字数应为 1 或 2，且短于姓名。",
        ),
        (
            {
                "status": Deputy.TERMINATED,
                "status_date": D(2020, 1, 1),
                "status_reason": "resigned",
            },
            "status_date",
            "终止日期不能早于当选日期。",
        ),
    ],
)
def test_deputy_status_rules(changes, field, message):
    deputy = DeputyFactory.build(register_number="X1", name="王小明", elected_date=D(2021, 11, 20))
    for key, value in changes.items():
        setattr(deputy, key, value)
    with pytest.raises(ValidationError) as caught:
        deputy.full_clean(exclude=["levels"])
    assert message in caught.value.message_dict[field]


@pytest.mark.django_db
def test_compound_surname_split():
    deputy = DeputyFactory(name="欧阳明华", surname_length=2)
    assert (deputy.surname, deputy.given_name) == ("欧阳", "明华")


@pytest.mark.django_db
def test_area_tree_rules():
    county = CountyFactory()
    township = TownshipFactory(parent=county, name="新桥镇")
    village = VillageFactory(parent=township, name="新桥村")
    assert village.full_name == "新桥镇新桥村"
    assert village.township == township and township.township == township
    assert county.township is None
    bad = Area(name="孤村", kind=Area.VILLAGE, parent=county)
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert caught.value.message_dict["parent"] == ["“村”的上级应为乡镇或街道。"]
    with pytest.raises(ValidationError):
        Area(name="另一县", kind=Area.COUNTY, parent=county).full_clean()


@pytest.mark.django_db
def test_duplicate_term_elections_detects_two_constituencies_of_one_term_and_level():
    term18 = TermFactory(number=18)
    term17 = TermFactory(
        number=17, name="第十七届", start_date=D(2016, 12, 1), end_date=D(2021, 11, 30)
    )
    first = ConstituencyFactory(term=term18)
    second = ConstituencyFactory(term=term18)
    township_level = ConstituencyFactory(term=term18, level=level(Level.TOWNSHIP))
    older = ConstituencyFactory(term=term17)
    assert duplicate_term_elections([first, township_level, older]) == []
    assert duplicate_term_elections([first, second]) == [(first, second)]


@pytest.mark.django_db
def test_current_term():
    TermFactory(number=17, name="第十七届", start_date=D(2016, 12, 1), end_date=D(2021, 11, 30))
    term18 = TermFactory(number=18, start_date=D(2021, 12, 1), end_date=None)
    assert Term.current(D(2026, 11, 25)) == term18
    assert Term.current(D(2018, 1, 1)).number == 17
    assert Term.current(D(2000, 1, 1)) is None


def test_quarters():
    assert quarter_of(D(2026, 11, 25)) == (2026, 4)
    assert quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))


@pytest.mark.django_db
def test_overdue_checkins_this_quarter():
    reported = DeputyFactory()
    CheckInFactory(deputy=reported, date=D(2026, 10, 5))
    last_quarter_only = DeputyFactory()
    CheckInFactory(deputy=last_quarter_only, date=D(2026, 9, 30))
    never = DeputyFactory()
    DeputyFactory(status=Deputy.TERMINATED, status_date=D(2025, 1, 1), status_reason="resigned")
    DeputyFactory(live=False)
    overdue = set(CheckIn.overdue(D(2026, 11, 25)))
    assert overdue == {last_quarter_only, never}


@pytest.mark.django_db
def test_checkin_to_a_group_needs_the_group():
    checkin = CheckInFactory.build(deputy=DeputyFactory(), group=None, kind=CheckIn.TO_GROUP)
    with pytest.raises(ValidationError) as caught:
        checkin.full_clean()
    assert caught.value.message_dict["group"] == ["向代表小组报到时请选择代表小组。"]


@pytest.mark.django_db
def test_training_sessions_and_attendances_are_counted_per_year():
    this_year = TrainingFactory(start_date=D(2026, 5, 1))
    other = TrainingFactory(start_date=D(2026, 9, 1))
    TrainingFactory(start_date=D(2025, 5, 1))
    for _ in range(3):
        TrainingAttendanceFactory(training=this_year)
    TrainingAttendanceFactory(training=other)
    assert Training.yearly_counts(2026) == {"sessions": 2, "attendances": 4}
    assert Training.yearly_counts(2025) == {"sessions": 1, "attendances": 0}
    assert this_year.topic_list == ["地方组织法", "选举法", "代表法"]


@pytest.mark.django_db
def test_duty_report_satisfaction_rate():
    report = DutyReportFactory(satisfied=45, basically_satisfied=8, dissatisfied=2)
    assert report.votes == 55
    assert report.satisfaction_rate == 96.4
    assert (
        DutyReportFactory(satisfied=0, basically_satisfied=0, dissatisfied=0).satisfaction_rate
        is None
    )


@pytest.mark.django_db
def test_committee_member_requires_a_deputy():
    member = CommitteeMemberFactory.build(deputy=None, term=TermFactory())
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert "deputy" in caught.value.message_dict
