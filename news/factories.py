import datetime
from decimal import Decimal

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from core.factories import fake_body

from .models import (
    AppraisalIndexPage,
    AppraisalPage,
    AppraisalResultItem,
    AppraisalStage,
    AppraisalTeamMember,
    Department,
    InitiativeIndexPage,
    InitiativePage,
    InitiativeResponse,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
)


class NewsCategoryFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    class Meta:
        model = NewsCategory
        django_get_or_create = ("slug",)


class DepartmentFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"县第{n}局")

    class Meta:
        model = Department
        django_get_or_create = ("name",)


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "新闻动态"
    slug = factory.Sequence(lambda n: f"news-{n}")

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=8, locale="zh_CN")
    slug = factory.Sequence(lambda n: f"news-item-{n}")
    date = factory.Faker("date_between", start_date="-2y", end_date="today")
    category = factory.SubFactory(NewsCategoryFactory)
    summary = factory.Faker("sentence", nb_words=12, locale="zh_CN")
    body = factory.LazyFunction(fake_body)

    class Meta:
        model = NewsPage


class InitiativeIndexPageFactory(wagtail_factories.PageFactory):
    title = "倡议书"
    slug = factory.Sequence(lambda n: f"initiatives-{n}")

    class Meta:
        model = InitiativeIndexPage


class InitiativePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"倡议书{n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    issued_date = factory.Faker("date_between", start_date="-1y", end_date="today")
    period_start = factory.LazyAttribute(lambda o: o.issued_date)
    period_end = factory.LazyAttribute(lambda o: o.issued_date + datetime.timedelta(days=365))
    body = factory.LazyFunction(fake_body)

    class Meta:
        model = InitiativePage


class InitiativeResponseFactory(DjangoModelFactory):
    page = factory.SubFactory(InitiativePageFactory)
    deputy_name = factory.Faker("name", locale="zh_CN")
    action = factory.Faker("sentence", nb_words=10, locale="zh_CN")
    funds = Decimal("10000.00")
    households = 3

    class Meta:
        model = InitiativeResponse


class AppraisalIndexPageFactory(wagtail_factories.PageFactory):
    title = "部门评议"
    slug = factory.Sequence(lambda n: f"appraisals-{n}")

    class Meta:
        model = AppraisalIndexPage


class AppraisalPageFactory(wagtail_factories.PageFactory):
    title = factory.LazyAttribute(lambda o: f"{o.year}年度{o.department.name}工作评议")
    slug = factory.Sequence(lambda n: f"appraisal-{n}")
    year = 2026
    department = factory.SubFactory(DepartmentFactory)
    overall_satisfaction = Decimal("92.50")
    overall_rating = "满意"
    body = factory.LazyFunction(fake_body)

    class Meta:
        model = AppraisalPage


class AppraisalStageFactory(DjangoModelFactory):
    page = factory.SubFactory(AppraisalPageFactory)
    stage = "mobilise"
    start_date = factory.LazyAttribute(lambda o: datetime.date(o.page.year, 3, 1))

    class Meta:
        model = AppraisalStage


class AppraisalTeamMemberFactory(DjangoModelFactory):
    page = factory.SubFactory(AppraisalPageFactory)
    name = factory.Faker("name", locale="zh_CN")
    role = "成员"

    class Meta:
        model = AppraisalTeamMember


class AppraisalResultItemFactory(DjangoModelFactory):
    page = factory.SubFactory(AppraisalPageFactory)
    item = factory.Sequence(lambda n: f"测评项目{n}")
    score = Decimal("90.00")
    rating = "满意"

    class Meta:
        model = AppraisalResultItem
