"""Data shared by the register's admin tests (test_admin, test_admin_permissions); the helpers
every register's admin tests use are tests/admin_helpers.py."""

import datetime

from deputies.factories import (
    CheckInFactory,
    CommitteeMemberFactory,
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DutyReportFactory,
    ElectionFactory,
    GroupMembershipFactory,
    TermFactory,
    TownshipFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VillageFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
    level,
)
from deputies.models import CheckIn, Deputy, Level

STAFF = "代表工委"
VOTER_DATA = "选民信息管理"

# The private voter of the fixtures: none of these may appear outside VoterContactPerson's views.
VOTER_NAME = "孙小选"
VOTER_PHONE = "13912345678"
VOTER_ADDRESS = "城关镇东风村三组18号"


class RegisterData:
    """A small register: two terms, a county with two townships, constituencies, deputy groups,
    five deputies (one terminated, one a draft), and one private voter record."""

    @classmethod
    def create_register(cls):
        cls.term = TermFactory()  # 第十八届
        cls.old_term = TermFactory(
            number=17,
            name="第十七届",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )
        cls.county_level = level(Level.COUNTY)
        cls.township_level = level(Level.TOWNSHIP)
        cls.city_level = level(Level.CITY)

        cls.county = CountyFactory()
        cls.chengguan = TownshipFactory(name="城关镇", parent=cls.county)
        cls.hekou = TownshipFactory(name="河口乡", parent=cls.county)
        cls.dongfeng = VillageFactory(name="东风村", parent=cls.chengguan)

        cls.first = ConstituencyFactory(term=cls.term, name="第一选区", areas=[cls.dongfeng])
        cls.second = ConstituencyFactory(term=cls.term, name="第二选区", areas=[cls.hekou])
        cls.old_first = ConstituencyFactory(
            term=cls.old_term, name="第一选区", areas=[cls.chengguan]
        )
        cls.town_first = ConstituencyFactory(
            term=cls.term, level=cls.township_level, name="乡第一选区", areas=[cls.hekou]
        )

        cls.chengguan_group = DeputyGroupFactory(
            term=cls.term, name="城关镇代表小组", township=cls.chengguan
        )
        cls.hekou_group = DeputyGroupFactory(
            term=cls.term, name="河口乡代表小组", township=cls.hekou
        )

        cls.wang = DeputyFactory(
            name="王建国",
            register_number="D-001",
            post="城关镇东风村党支部书记",
            phone="0371-1234567",
        )
        ElectionFactory(deputy=cls.wang, constituency=cls.first)
        GroupMembershipFactory(group=cls.chengguan_group, deputy=cls.wang, role="leader")

        cls.li = DeputyFactory(
            name="李秀英",
            register_number="D-002",
            levels=[cls.county_level, cls.township_level],
            status=Deputy.TERMINATED,
            status_date=datetime.date(2024, 6, 1),
            status_reason="transferred",
        )
        ElectionFactory(deputy=cls.li, constituency=cls.second)
        ElectionFactory(deputy=cls.li, constituency=cls.town_first)
        GroupMembershipFactory(group=cls.hekou_group, deputy=cls.li)

        # A city congress deputy: no county constituency, but in the 河口乡 group.
        cls.zhao = DeputyFactory(name="赵卫东", register_number="D-003", levels=[cls.city_level])
        GroupMembershipFactory(group=cls.hekou_group, deputy=cls.zhao)

        cls.ouyang = DeputyFactory(name="欧阳明月", register_number="D-004", surname_length=2)
        ElectionFactory(deputy=cls.ouyang, constituency=cls.old_first)

        cls.draft = DeputyFactory(name="钱未发", register_number="D-005", live=False)

        cls.contact = VoterContactFactory(deputy=cls.wang, voters_count=15)
        cls.person = VoterContactPersonFactory(
            contact=cls.contact, name=VOTER_NAME, phone=VOTER_PHONE, address=VOTER_ADDRESS
        )

        cls.committee_member = CommitteeMemberFactory(
            deputy=cls.wang, term=cls.term, post="vice_chair"
        )

        cls.training = TrainingFactory(
            title="代表履职能力提升培训班",
            organiser_level="county",
            form="central",
            start_date=datetime.date(2025, 5, 12),
            end_date=datetime.date(2025, 5, 13),
        )
        for deputy in (cls.wang, cls.li, cls.zhao):
            TrainingAttendanceFactory(training=cls.training, deputy=deputy)
        cls.video_training = TrainingFactory(
            title="省人大远程视频培训",
            organiser_level="provincial",
            form="video",
            start_date=datetime.date(2026, 3, 2),
            end_date=None,
        )
        TrainingAttendanceFactory(training=cls.video_training, deputy=cls.wang)

        cls.group_checkin = CheckInFactory(
            deputy=cls.wang, group=cls.chengguan_group, date=datetime.date(2025, 2, 10)
        )
        cls.voters_checkin = CheckInFactory(
            deputy=cls.zhao, kind=CheckIn.TO_VOTERS, group=None, date=datetime.date(2025, 8, 20)
        )

        cls.report = DutyReportFactory(deputy=cls.wang, date=datetime.date(2026, 1, 10))
        cls.old_report = DutyReportFactory(
            deputy=cls.zhao,
            date=datetime.date(2025, 1, 8),
            satisfied=0,
            basically_satisfied=0,
            dissatisfied=0,
        )
