"""Factories shared by every app's factories, tests and demo loader."""

import factory
import wagtail_factories
from faker import Faker
from wagtail.models import Collection

fake = Faker("zh_CN")


def root_collection():
    return Collection.get_first_root_node()


def register_collection(key):
    """The collection of a register's files (core.models.FileCollection key), else the root."""
    from core.models import FileCollection

    return FileCollection.collection_for(key) or root_collection()


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Faker("sentence", nb_words=4, locale="zh_CN")
    collection = factory.LazyFunction(root_collection)
    file = factory.django.ImageField(
        width=800, height=500, color=factory.Iterator(["#9e1b1f", "#0b4f8a", "#2e7d32", "#6d4c41"])
    )


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Faker("sentence", nb_words=4, locale="zh_CN")
    collection = factory.LazyFunction(root_collection)


def paragraph(html):
    return {"type": "paragraph", "value": html}


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def body_from_paragraphs(paragraphs):
    """StreamField raw data: one paragraph block per text (escaped by the caller)."""
    return [paragraph(f"<p>{text}</p>") for text in paragraphs]


def fake_body(count=3):
    return body_from_paragraphs(fake.paragraph(nb_sentences=5) for _ in range(count))
