"""Factories for the deputies register: used by the tests and by `load_demo_data`."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from .models import (
    Area,
    CheckIn,
    CommitteeMember,
    Constituency,
    Deputy,
    DeputyGroup,
    DeputyIndexPage,
    DutyReport,
    Election,
    GroupContact,
    GroupMembership,
    Level,
    SupervisionRole,
    Term,
    Training,
    TrainingAttendance,
    VoterContact,
    VoterContactPerson,
)


def level(code):
    """One of the five levels seeded by the migration."""
    return Level.objects.get(code=code)


class TermFactory(DjangoModelFactory):
    number = 18
    name = "第十八届"
    start_date = datetime.date(2021, 12, 1)
    end_date = datetime.date(2026, 12, 31)

    class Meta:
        model = Term
        django_get_or_create = ("number",)


class AreaFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"区划{n}")
    kind = Area.COUNTY
    parent = None

    class Meta:
        model = Area


class CountyFactory(AreaFactory):
    name = "演示县"
    kind = Area.COUNTY


class TownshipFactory(AreaFactory):
    name = factory.Sequence(lambda n: f"第{n}镇")
    kind = Area.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)

    class Meta:
        model = Area
        django_get_or_create = ("parent", "name")


class VillageFactory(AreaFactory):
    name = factory.Sequence(lambda n: f"第{n}村")
    kind = Area.VILLAGE
    parent = factory.SubFactory(TownshipFactory)


class ConstituencyFactory(DjangoModelFactory):
    term = factory.SubFactory(TermFactory)
    level = factory.LazyFunction(lambda: level(Level.COUNTY))
    name = factory.Sequence(lambda n: f"第{n}选区")

    class Meta:
        model = Constituency
        skip_postgeneration_save = True

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class DeputyFactory(DjangoModelFactory):
    register_number = factory.Sequence(lambda n: f"D{n:05d}")
    name = factory.Faker("name", locale="zh_CN")
    gender = factory.Iterator(["male", "female"])
    ethnicity = "汉族"
    birth_year = factory.Faker("random_int", min=1960, max=1995)
    party = factory.Iterator(["中共党员", "群众", "民盟盟员", "中共党员"])
    education = factory.Iterator(["大学本科", "研究生", "大专", "高中"])
    post = factory.Faker("company", locale="zh_CN")
    elected_date = datetime.date(2021, 11, 20)
    live = True

    class Meta:
        model = Deputy
        skip_postgeneration_save = True

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create:
            self.levels.set(extracted if extracted is not None else [level(Level.COUNTY)])


class ElectionFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    constituency = factory.SubFactory(ConstituencyFactory)
    elected_date = datetime.date(2021, 11, 20)

    class Meta:
        model = Election


class DeputyGroupFactory(DjangoModelFactory):
    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")
    township = factory.SubFactory(TownshipFactory)

    class Meta:
        model = DeputyGroup


class GroupMembershipFactory(DjangoModelFactory):
    group = factory.SubFactory(DeputyGroupFactory)
    deputy = factory.SubFactory(DeputyFactory)
    role = "member"
    start_date = datetime.date(2021, 12, 1)

    class Meta:
        model = GroupMembership


class CommitteeMemberFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    term = factory.SubFactory(TermFactory)
    post = "member"
    start_date = datetime.date(2021, 12, 1)

    class Meta:
        model = CommitteeMember


class GroupContactFactory(DjangoModelFactory):
    committee_member = factory.SubFactory(CommitteeMemberFactory)
    group = factory.SubFactory(DeputyGroupFactory)
    start_date = datetime.date(2021, 12, 1)

    class Meta:
        model = GroupContact


class SupervisionRoleFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    role = "juror"
    organisation = "县人民法院"
    start_date = datetime.date(2022, 3, 1)

    class Meta:
        model = SupervisionRole


class VoterContactFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    start_date = datetime.date(2026, 7, 1)
    end_date = datetime.date(2026, 9, 30)
    method = "visit"
    voters_count = 12

    class Meta:
        model = VoterContact


class VoterContactPersonFactory(DjangoModelFactory):
    contact = factory.SubFactory(VoterContactFactory)
    name = factory.Faker("name", locale="zh_CN")
    phone = factory.Faker("phone_number", locale="zh_CN")
    address = factory.Faker("address", locale="zh_CN")
    concern = "反映村内道路破损问题"

    class Meta:
        model = VoterContactPerson


class CheckInFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    kind = CheckIn.TO_GROUP
    group = factory.SubFactory(DeputyGroupFactory)
    date = datetime.date(2026, 10, 15)
    content = "向代表小组报告本季度履职情况，交流收集到的群众意见。"

    class Meta:
        model = CheckIn


class TrainingFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"代表履职培训班（第{n}期）")
    organiser_level = "county"
    form = "central"
    start_date = datetime.date(2026, 5, 12)
    end_date = datetime.date(2026, 5, 13)
    location = "县委党校"
    topics = "地方组织法、选举法、代表法"

    class Meta:
        model = Training


class TrainingAttendanceFactory(DjangoModelFactory):
    training = factory.SubFactory(TrainingFactory)
    deputy = factory.SubFactory(DeputyFactory)

    class Meta:
        model = TrainingAttendance


class DutyReportFactory(DjangoModelFactory):
    deputy = factory.SubFactory(DeputyFactory)
    date = datetime.date(2026, 1, 10)
    title = factory.LazyAttribute(lambda o: f"{o.deputy.name}代表向选民述职")
    venue = "代表工作站"
    text = "一年来，本人认真参加人代会和闭会期间代表活动，联系选民，提出建议。"
    satisfied = 45
    basically_satisfied = 8
    dissatisfied = 1

    class Meta:
        model = DutyReport


class DeputyIndexPageFactory(wagtail_factories.PageFactory):
    title = "人大代表"
    slug = "deputies"
    page_size = 40

    class Meta:
        model = DeputyIndexPage
