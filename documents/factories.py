"""Factories for the normative-document registry: used by the tests and by `load_demo_data`."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from .models import (
    DocumentFile,
    DocumentRegistryPage,
    IssuingBody,
    NormativeDocument,
    Review,
    ReviewSuggestion,
)


class IssuingBodyFactory(DjangoModelFactory):
    name = factory.Iterator(["县人民政府", "县人民政府办公室", "县教育局", "县自然资源局"])

    class Meta:
        model = IssuingBody
        django_get_or_create = ("name",)


class NormativeDocumentFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"关于加强农村人居环境整治的实施意见（第{n}号）")
    number = factory.Sequence(lambda n: f"县政发〔2026〕{n}号")
    issuing_body = factory.SubFactory(IssuingBodyFactory)
    category = "规范性文件"
    date_issued = datetime.date(2026, 3, 1)
    date_filed = datetime.date(2026, 3, 20)
    date_effective = datetime.date(2026, 4, 1)
    validity = NormativeDocument.VALID
    full_text = "第一条　为了加强农村人居环境整治，制定本意见。\n第二条　本意见适用于本县行政区域。"
    text_status = NormativeDocument.TEXT_OK
    live = True

    class Meta:
        model = NormativeDocument


class DocumentFileFactory(DjangoModelFactory):
    document = factory.SubFactory(NormativeDocumentFactory)
    file = factory.SubFactory("core.factories.DocumentFactory")
    label = "正文"

    class Meta:
        model = DocumentFile


class ReviewFactory(DjangoModelFactory):
    document = factory.SubFactory(NormativeDocumentFactory)
    kind = Review.ACTIVE
    stage = Review.RECEIVED
    received_date = datetime.date(2026, 3, 21)

    class Meta:
        model = Review


class ConcludedReviewFactory(ReviewFactory):
    stage = Review.CONCLUDED
    started_date = datetime.date(2026, 3, 25)
    concluded_date = datetime.date(2026, 4, 20)
    conclusion = Review.NO_PROBLEM
    opinion = "经审查，未发现该文件存在违背法律法规规定的问题。"


class ReviewSuggestionFactory(DjangoModelFactory):
    document = factory.SubFactory(NormativeDocumentFactory)
    issues = "第五条规定的收费项目没有法律依据。"
    reasons = "根据《中华人民共和国立法法》，规范性文件不得增设收费。"
    name = factory.Faker("name", locale="zh_CN")
    contact = factory.Faker("phone_number", locale="zh_CN")

    class Meta:
        model = ReviewSuggestion


class DocumentRegistryPageFactory(wagtail_factories.PageFactory):
    title = "规范性文件备案审查"
    slug = "normative-documents"  # not "documents": Wagtail serves files under /documents/

    class Meta:
        model = DocumentRegistryPage
