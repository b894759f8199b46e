"""
Base settings: production-safe. DEBUG is off and nothing secret has a default; every
variable is read from the environment (listed in .env.example). dev.py and test.py loosen.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name, default=None, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(
            f"环境变量 {name} 未设置（{name} is required; see .env.example）"
        )
    return value


def env_bool(name, default=False):
    return str(env(name, str(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps. Dependencies run one way, top to bottom: core is shared by all.
    "core",
    "home",
    "deputies",
    "stations",
    "documents",
    "news",
    "stats",
    "search",
    "opendata",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    # Purges the CDN or reverse proxy on publish; a no-op while WAGTAILFRONTENDCACHE is unset.
    "wagtail.contrib.frontend_cache",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL selects PostgreSQL (postgres://user@host:5432/name); unset means the
# embedded SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (gunicorn workers) go on while one writer writes; IMMEDIATE takes the
    # write lock at the start of a transaction instead of failing half-way with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Fail fast when PostgreSQL is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        env("DATABASE_CONNECT_TIMEOUT", "5")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def s3_media_storage(bucket, endpoint_url="", region="", custom_domain="", location="", signed=""):
    """STORAGES["default"] for S3-compatible object storage (django-storages), or None without a
    bucket. Credentials are not settings: django-storages and boto3 read AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (or an instance role) from the environment themselves."""
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        # Wagtail keeps every upload under a name of its own: never overwrite another file.
        "file_overwrite": False,
        # Public media: plain URLs, no expiring signatures (they would defeat the CDN cache).
        "querystring_auth": signed.strip().lower() in {"1", "true", "yes", "on"},
    }
    for key, value in {
        "endpoint_url": endpoint_url,  # MinIO, Ceph, OSS/COS S3 endpoints; unset means AWS
        "region_name": region,
        "custom_domain": custom_domain,  # a CDN host name in front of the bucket
        "location": location,  # a prefix inside the bucket, e.g. media
    }.items():
        if value:
            options[key] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Media in S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set (DESIGN.md §3);
# on disk in DJANGO_MEDIA_ROOT otherwise. Static files stay with whitenoise either way.
_s3_media = s3_media_storage(
    env("AWS_STORAGE_BUCKET_NAME", ""),
    endpoint_url=env("AWS_S3_ENDPOINT_URL", ""),
    region=env("AWS_S3_REGION_NAME", ""),
    custom_domain=env("AWS_S3_CUSTOM_DOMAIN", ""),
    location=env("AWS_LOCATION", ""),
    signed=env("AWS_QUERYSTRING_AUTH", "false"),
)
if _s3_media:
    STORAGES["default"] = _s3_media


def cache_settings(urls, key_prefix="county_site", timeout="300"):
    """CACHES from REDIS_URL: Redis, shared by every gunicorn worker and machine, when set
    (redis://host:6379/0, rediss:// for TLS; several URLs: the first is written, the others are
    read replicas); the local memory of each process otherwise. The rate limit of the
    review-suggestion form counts in this cache, so only Redis makes it hold across workers."""
    if not urls:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urls if len(urls) > 1 else urls[0],
            "KEY_PREFIX": key_prefix,
            "TIMEOUT": int(timeout),
        }
    }


CACHES = cache_settings(
    env_list("REDIS_URL"),
    key_prefix=env("CACHE_KEY_PREFIX") or "county_site",
    timeout=env("CACHE_TIMEOUT") or "300",
)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Logs go to standard error of the process (gunicorn, systemd's journal, docker logs): plain
# lines by default, one JSON object per line with DJANGO_LOG_FORMAT=json (core/logformat.py).
LOG_FORMAT = (env("DJANGO_LOG_FORMAT") or "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_FORMAT 只能是 plain 或 json（DJANGO_LOG_FORMAT={LOG_FORMAT!r}: plain or json）"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logformat.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # One line per background task (search index, reference index) is noise, not news.
        "django_tasks": {"level": "WARNING"},
    },
}

# Email (notifications of the moderation workflow)
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Wagtail
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "县人大常委会")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def frontend_cache(urls):
    """WAGTAILFRONTENDCACHE from FRONTEND_CACHE_PURGE_URL: one HTTP purge backend per proxy URL
    (comma-separated: every nginx in front of the app). Wagtail sends `PURGE <path>` with the
    page's host name in the Host header (docker/nginx/nginx.conf answers it). Unset: None, and
    wagtail.contrib.frontend_cache does nothing."""
    if not urls:
        return None
    return {
        f"proxy{number}": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": url,
        }
        for number, url in enumerate(urls, start=1)
    }


_frontend_cache = frontend_cache(env_list("FRONTEND_CACHE_PURGE_URL"))
if _frontend_cache:
    WAGTAILFRONTENDCACHE = _frontend_cache


def search_backends(urls, index="county_site", analyzer="smartcn", timeout="5"):
    """WAGTAILSEARCH_BACKENDS from SEARCH_URL, SEARCH_INDEX, SEARCH_ANALYZER, SEARCH_TIMEOUT.

    No URL: the project's Chinese-aware backend on SQLite or PostgreSQL (search/backends/).
    URLs: Elasticsearch 8 with a Chinese analyzer is the default, and the database backend stays
    as "database": Wagtail's signals keep both indexes current, and the site searches the
    database while Elasticsearch is unreachable (docs/search.md, "Elasticsearch")."""
    database = {"BACKEND": "search.backends"}
    if not urls:
        return {"default": database}
    if analyzer not in {"smartcn", "ik"}:
        raise ImproperlyConfigured(
            f"SEARCH_ANALYZER 只能是 smartcn 或 ik（SEARCH_ANALYZER={analyzer!r}: smartcn or ik）"
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", index):
        raise ImproperlyConfigured(
            f"SEARCH_INDEX 只能含小写字母、数字和 _ . -（SEARCH_INDEX={index!r}: lower-case"
            " letters, digits, _ . - as Elasticsearch index names require）"
        )
    try:
        seconds = float(timeout)
    except ValueError:
        raise ImproperlyConfigured(
            f"SEARCH_TIMEOUT 应为秒数（SEARCH_TIMEOUT={timeout!r}: seconds）"
        ) from None
    return {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": urls,
            "INDEX_PREFIX": f"{index}_",  # county_site_wagtailcore_page, …
            "ANALYZER": analyzer,
            "TIMEOUT": seconds,
            # One retry, on another node of a cluster; a node that does not answer is not
            # waited for again (the client's default is 3 retries).
            "OPTIONS": {"max_retries": 1},
        },
        "database": database,
    }


WAGTAILSEARCH_BACKENDS = search_backends(
    env_list("SEARCH_URL"),
    index=env("SEARCH_INDEX", "county_site"),
    analyzer=env("SEARCH_ANALYZER", "smartcn"),
    timeout=env("SEARCH_TIMEOUT", "5"),
)
# md: import_documents attaches the law corpus's Markdown files (docs/documents-import.md).
WAGTAILDOCS_EXTENSIONS = [
    *("pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "txt", "md", "csv", "zip"),
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# News listings: items per page (the index pages paginate; ?page= is validated).
NEWS_PAGE_SIZE = int(env("NEWS_PAGE_SIZE", "15"))

# Station map (<stations>/map/, stations/views.py): a Leaflet tile layer over the list of
# stations. Coordinates are WGS-84; see docs/stations.md for 天地图 and OpenStreetMap. A {token}
# in a URL is replaced by TIANDITU_TOKEN; without a token such a URL is not used (list only).
STATION_MAP_TILE_URL = env("STATION_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
STATION_MAP_TILE_ATTRIBUTION = env(
    "STATION_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
)
STATION_MAP_TILE_SUBDOMAINS = env("STATION_MAP_TILE_SUBDOMAINS", "")
STATION_MAP_LABEL_URL = env("STATION_MAP_LABEL_URL", "")
TIANDITU_TOKEN = env("TIANDITU_TOKEN", "")
