"""Helpers shared by the test modules: reading rendered HTML and hiding pages from the public."""

import csv
import datetime
import io
import os
from io import StringIO

from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

# Variables that a production machine may or may not set (Redis, S3, Elasticsearch, the purge
# URL, …), and DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set in this process and which
# `check --deploy` rightly reports: a settings test starts from an environment without them.
OPTIONAL_PRODUCTION_VARIABLES = (
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_LOCATION",
    "AWS_QUERYSTRING_AUTH",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "FRONTEND_CACHE_PURGE_URL",
    "DJANGO_LOG_FORMAT",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "SEARCH_URL",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PRODUCTION_SAMPLE = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "k7Qp2vX9mR4tW8zL1nB6cF3hJ5sD0gA-yE7uI2oP9qW4rT6yU8iO1pA3sD5fG7hJ",
    "DJANGO_ALLOWED_HOSTS": "rd.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://rd.example.gov.cn",
    "WAGTAILADMIN_BASE_URL": "https://rd.example.gov.cn",
}


def production_environment(**variables):
    """os.environ for a subprocess with production settings: the sample's required variables,
    nothing optional unless given in `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in OPTIONAL_PRODUCTION_VARIABLES}
    env.update(PRODUCTION_SAMPLE, **variables)
    return env


def default_home():
    """The HomePage created by the home app's data migration."""
    return Site.objects.get(is_default_site=True).root_page.specific


def parse(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def h1_texts(response):
    return [h1.get_text(" ", strip=True) for h1 in parse(response).find_all("h1")]


def main_text(response):
    """The visible text of <main>, whitespace-collapsed."""
    return parse(response).find("main").get_text(" ", strip=True)


def link_texts(response, selector):
    return [a.get_text(" ", strip=True) for a in parse(response).select(selector)]


def breadcrumbs(response):
    """[(text, href or None)] of the breadcrumb trail, in order."""
    nav = parse(response).find("nav", class_="breadcrumbs")
    if nav is None:
        return None
    crumbs = []
    for item in nav.find_all("li"):
        link = item.find("a")
        crumbs.append((item.get_text(strip=True), link["href"] if link else None))
    return crumbs


PAGE_PASSWORD = "mima-2026"


def make_private(page, password=PAGE_PASSWORD):
    """Put the page behind a password, as an editor does with 隐私 → 设置密码."""
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )


def expire(*pages):
    """Let the pages' expiry time pass and run Wagtail's scheduler, as cron does in production."""
    Page.objects.filter(pk__in=[page.pk for page in pages]).update(
        expire_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("publish_scheduled", stdout=StringIO())
    for page in pages:
        page.refresh_from_db()
    assert not any(page.live for page in pages), "publish_scheduled should have unpublished them"


def create_hidden(factory, parent, prefix, **kwargs):
    """A draft, a password-protected page and an expired page: none may reach the public.

    Titles start with `prefix` so a test can look for them in the output."""
    draft = factory(parent=parent, title=f"{prefix}草稿", live=False, **kwargs)
    private = factory(parent=parent, title=f"{prefix}私密", **kwargs)
    make_private(private)
    expired = factory(parent=parent, title=f"{prefix}过期", **kwargs)
    expire(expired)
    return [draft, private, expired]


HIDDEN_MARKERS = ("草稿", "私密", "过期")


def read_csv(response):
    """(raw bytes, rows) of a streamed CSV download (core/csv_export.py); rows are lists of str."""
    raw = b"".join(response.streaming_content)
    text = raw.decode("utf-8-sig")
    return raw, list(csv.reader(io.StringIO(text, newline="")))
