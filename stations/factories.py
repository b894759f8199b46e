"""Factories for the station network: used by the tests and by `load_demo_data`."""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory

from deputies.factories import DeputyFactory, TownshipFactory

from .models import (
    SYSTEM_CHOICES,
    Activity,
    ActivityFile,
    ActivityPhoto,
    Reception,
    Station,
    StationDeputy,
    StationIndexPage,
    StationSystem,
)


class StationFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"第{n}人大代表工作站")
    kind = "station"
    township = factory.SubFactory(TownshipFactory)
    address = factory.Sequence(lambda n: f"演示县人民路{n}号")
    latitude = factory.Sequence(lambda n: Decimal("38.000000") + Decimal(n % 50) / 100)
    longitude = factory.Sequence(lambda n: Decimal("114.500000") + Decimal(n % 50) / 100)
    opening_hours = "每周一至周五 8:30—17:30"
    phone = "0311-12345678"
    person_in_charge = factory.Faker("name", locale="zh_CN")
    person_in_charge_post = "镇人大主席"
    administrator_name = factory.Faker("name", locale="zh_CN")
    administrator_phone = "13800000000"
    equipment = "接待室、会议室、电脑、投影仪"
    live = True

    class Meta:
        model = Station
        skip_postgeneration_save = True

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        # A ParentalManyToManyField is written to the database when its object is saved.
        if create and extracted:
            self.areas.set(extracted)
            self.save()

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)


class StationDeputyFactory(DjangoModelFactory):
    station = factory.SubFactory(StationFactory)
    deputy = factory.SubFactory(DeputyFactory)
    role = ""

    class Meta:
        model = StationDeputy


class StationSystemFactory(DjangoModelFactory):
    station = factory.SubFactory(StationFactory)
    kind = factory.Iterator([code for code, _ in SYSTEM_CHOICES])
    text = "一、……二、……"

    class Meta:
        model = StationSystem


def add_all_systems(station):
    """Give `station` all six working systems as text."""
    for code, label in SYSTEM_CHOICES:
        StationSystemFactory(station=station, kind=code, text=f"{station.name}{label}（全文略）")


class ReceptionFactory(DjangoModelFactory):
    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    start_time = datetime.time(9, 0)
    end_time = datetime.time(11, 30)
    topic = "听取群众意见建议"
    live = True

    class Meta:
        model = Reception
        skip_postgeneration_save = True

    @factory.post_generation
    def deputies(self, create, extracted, **kwargs):
        # A ParentalManyToManyField is written to the database when its object is saved.
        if create and extracted:
            self.deputies.set(extracted)
            self.save()


class ActivityFactory(DjangoModelFactory):
    station = factory.SubFactory(StationFactory)
    kind = factory.Iterator([code for code, _ in Activity.KIND_CHOICES])
    title = factory.Sequence(lambda n: f"代表进站活动第{n}次")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    body = "<p>代表们听取了群众意见。</p>"
    is_public = True
    live = True

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    @factory.post_generation
    def deputies(self, create, extracted, **kwargs):
        # A ParentalManyToManyField is written to the database when its object is saved.
        if create and extracted:
            self.deputies.set(extracted)
            self.save()


class ActivityPhotoFactory(DjangoModelFactory):
    activity = factory.SubFactory(ActivityFactory)
    image = factory.SubFactory("core.factories.ImageFactory")
    caption = "活动现场"

    class Meta:
        model = ActivityPhoto


class ActivityFileFactory(DjangoModelFactory):
    activity = factory.SubFactory(ActivityFactory)
    document = factory.SubFactory("core.factories.DocumentFactory")
    title = "活动资料"

    class Meta:
        model = ActivityFile


class StationIndexPageFactory(wagtail_factories.PageFactory):
    title = "代表工作站"
    slug = "stations"

    class Meta:
        model = StationIndexPage
