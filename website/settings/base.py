"""
Base settings: production-safe. DEBUG is off and nothing secret has a default; every
variable is read from the environment (listed in .env.example). dev.py and test.py loosen.
"""

import os
import re
from datetime import timedelta
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


def env_int(name, default, minimum=0):
    """An integer variable: unset or empty means `default`; anything else must be a whole number
    of at least `minimum`, or start-up stops with a message naming the variable."""
    value = (env(name) or "").strip() or str(default)
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(
            f"环境变量 {name} 应为不小于 {minimum} 的整数（{name}={value!r}: a whole number"
            f" >= {minimum}）"
        )
    return number


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
    # Admin accounts' security: lockout, second factor, login audit (docs/security.md).
    "accounts",
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
    "axes",  # django-axes: login lockout per username and per IP (accounts/)
    "django_otp",  # django-otp: the optional TOTP second factor (accounts/)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time recovery codes
    "csp",  # django-csp: its system checks (the middleware is core.csp.CSPMiddleware)
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
    # Content-Security-Policy on every response (core/csp.py): high up, so that its response
    # step runs after X-Frame-Options is set and covers responses other middleware returns.
    "core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Full-page cache for anonymous visitors (core/pagecache.py): after the security, CSP and
    # static-file middleware (a hit goes back out through them), before sessions and the rest.
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified() (the second factor); then the admin session's idle and
    # absolute limits and the second factor's gate (accounts/middleware.py; after messages,
    # which it uses).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AdminSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Database unreachable → 503 page or JSON (core/middleware.py). Low, as process_exception
    # runs bottom-up (nothing below has one); its response still passes every middleware above.
    "core.middleware.DatabaseUnavailableMiddleware",
    # Turns axes' lockout flag into the lockout page (accounts/views.py); axes wants it last.
    "axes.middleware.AxesMiddleware",
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
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
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
    # Fail fast when PostgreSQL is unreachable instead of hanging a worker: a sync gunicorn
    # worker waiting to connect serves no one, and a healthy server answers in milliseconds.
    # 2 s is the shortest libpq and psycopg accept (they raise 1 to 2); a stopped server on a
    # reachable host refuses at once anyway (core/middleware.py, docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 2, minimum=2
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's, with its Chinese message back (accounts/validators.py).
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login (accounts/; docs/security.md "Admin login"). Lockout by django-axes: its backend
# comes first and refuses a locked-out username or IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# ADMIN_LOGIN_FAILURE_LIMIT failures within the cool-off lock the username, and separately the
# client IP, for ADMIN_LOCKOUT_MINUTES (restarted by every attempt during the lockout).
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client IP: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost
# one appended to X-Forwarded-For (core/ip.py). production.py assumes one (nginx).
AXES_CLIENT_IP_CALLABLE = "core.ip.lockout_ip"  # IPv6: per /64 (core/ip.py)
# The same address counts in the rate limit of the public suggestion form (django-ratelimit):
# behind nginx, REMOTE_ADDR would put every citizen into nginx's one bucket.
RATELIMIT_IP_META_KEY = "core.ip.rate_limit_ip"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Who unlocks an account, named on the lockout page.
ADMIN_LOCKOUT_CONTACT = env("ADMIN_LOCKOUT_CONTACT") or "本站系统管理员（县人大常委会办公室）"
# Admin sessions end after ADMIN_SESSION_IDLE_MINUTES without a request and after
# ADMIN_SESSION_MAX_HOURS in all (accounts/middleware.py); the cookie lasts no longer either.
ADMIN_SESSION_IDLE_MINUTES = env_int("ADMIN_SESSION_IDLE_MINUTES", 30, minimum=1)
ADMIN_SESSION_MAX_HOURS = env_int("ADMIN_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = ADMIN_SESSION_MAX_HOURS * 3600
# Password reset by email from the login page: off unless ADMIN_PASSWORD_RESET; when on, at most
# ADMIN_PASSWORD_RESET_IP_RATE requests per client IP (IPv6: per /64) and
# ADMIN_PASSWORD_RESET_EMAIL_RATE per address typed, each request in the audit log (accounts/).
ADMIN_PASSWORD_RESET = env_bool("ADMIN_PASSWORD_RESET", False)
WAGTAIL_PASSWORD_RESET_ENABLED = ADMIN_PASSWORD_RESET
ADMIN_PASSWORD_RESET_IP_RATE = env("ADMIN_PASSWORD_RESET_IP_RATE", "5/h")
ADMIN_PASSWORD_RESET_EMAIL_RATE = env("ADMIN_PASSWORD_RESET_EMAIL_RATE", "3/h")
# The TOTP second factor: optional per user; ADMIN_REQUIRE_TOTP makes every admin user enroll.
ADMIN_REQUIRE_TOTP = env_bool("ADMIN_REQUIRE_TOTP", False)
OTP_TOTP_ISSUER = env("WAGTAIL_SITE_NAME", "县人大常委会")
# Days of audit log kept by `manage.py prune_audit_log` (at least 183: six months).
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 365, minimum=183)

# ASCII slugs: the editor's slug field no longer turns a Chinese title into a percent-encoded
# URL; an empty slug is made from the title's pinyin on the server (core/slugs.py).
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# The key that encrypts and authenticates `manage.py backup` archives (core/backup_crypto.py;
# docs/operations.md "Backups"): 44 characters from `manage.py backup --generate-key`. Required by
# backup and restore only, so the site itself starts without it. Keep it outside the archives.
BACKUP_KEY = env("BACKUP_KEY", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The project's own catalogue: the Wagtail 8 admin strings its zh_Hans catalogue lacks
# (website/locale/zh_Hans/LC_MESSAGES/django.po; the .mo is committed, `make messages` rebuilds it).
LOCALE_PATHS = [PROJECT_DIR / "locale"]
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

# Full-page cache of anonymous visitors' pages (core/pagecache.py, docs/deployment.md "Page
# cache"): seconds a page is kept in CACHES["default"], 0 turns it off; the Cache-Control max-age
# it sends so that nginx (and browsers) keep it too.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)

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
# Uploads are checked by content, not by name (core/uploads.py; docs/security.md "Uploads and
# served files"): every Wagtail upload form (add, edit, multiple uploader, choosers) is built on
# these base forms.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.uploads.ImageForm"
# No SVG: an SVG is a document that can run scripts. Wagtail's default list, stated.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# 40 million pixels (width × height × frames; a 12 MP phone photo is 12,000,000): more is refused
# at upload, and so is a decompression bomb (Pillow's DecompressionBombError becomes the same
# form error, never a 500).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Served documents (/documents/<id>/<name>): the type follows the extension, which the upload
# check has matched with the content; only PDF opens in the browser, everything else downloads.
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "zip": "application/zip",
}
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
# Every download goes through Wagtail's serve view, also with S3 media (its default there is a
# redirect to the bucket): the access hook (opendata/wagtail_hooks.py) and the headers above
# apply to every file, and no bucket URL that bypasses them is handed out.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# An upload bigger than any form accepts is not written past that size to the temporary folder.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.uploads.SizeLimitedUploadHandler",
]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# News listings: items per page (the index pages paginate; ?page= is validated).
NEWS_PAGE_SIZE = env_int("NEWS_PAGE_SIZE", 15, minimum=1)

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

# Content-Security-Policy (django-csp 4; core/csp.py; docs/security.md "Transport, headers and
# Content-Security-Policy"). Enforced everywhere, dev and tests included. No nonces and no
# 'unsafe-inline' on the public site: anonymous pages are cached whole, and a nonce in a cached
# page would be the same for every visitor. The admin gets the few extra sources Wagtail's admin
# needs (CONTENT_SECURITY_POLICY_ADMIN, applied under /admin/ by core/csp.py).


def csp_origins(urls, subdomains=""):
    """The origins (scheme://host[:port]) of URL templates such as the map's tile URLs, for a
    CSP source list. A {s} in the host is expanded with each subdomain character, as Leaflet does
    ("abc" when none are set); any other placeholder in the host cannot be listed."""
    from urllib.parse import urlsplit

    origins = []
    for url in urls:
        parts = urlsplit((url or "").strip())
        if not parts.netloc:
            continue
        letters = subdomains.replace(",", "").strip() or "abc"
        hosts = (
            [parts.netloc.replace("{s}", s) for s in letters]
            if "{s}" in parts.netloc
            else [parts.netloc]
        )
        for host in hosts:
            if "{" in host or "}" in host:
                raise ImproperlyConfigured(
                    f"地图瓦片地址的主机名只能含 {{s}} 占位符"
                    f"（{url!r}: only {{s}} may vary in the host）"
                )
            origins.append(f"{parts.scheme}://{host}")
    return list(dict.fromkeys(origins))


def csp_media_origins(storage):
    """Where uploaded images are read from when media is in object storage (STORAGES["default"]
    from s3_media_storage above): the CDN host, else the S3 endpoint, else AWS's bucket host."""
    if not storage or storage["BACKEND"] != "storages.backends.s3.S3Storage":
        return []
    options = storage["OPTIONS"]
    if options.get("custom_domain"):
        return [f"https://{options['custom_domain']}"]
    if options.get("endpoint_url"):
        return csp_origins([options["endpoint_url"]])
    bucket, region = options["bucket_name"], options.get("region_name")
    hosts = [f"{bucket}.s3.amazonaws.com"] + (
        [f"{bucket}.s3.{region}.amazonaws.com"] if region else []
    )
    return [f"https://{host}" for host in hosts]


# Embedded videos (the body's embed block, wagtail.embeds with its default oEmbed providers)
# are iframes; list the player hosts editors may embed, comma-separated. Providers whose embed
# code needs a script of their own (X/Twitter, Instagram …) are blocked by script-src.
CSP_EMBED_ORIGINS = env_list(
    "DJANGO_CSP_FRAME_SRC",
    "https://www.youtube.com,https://www.youtube-nocookie.com,https://player.vimeo.com",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *csp_origins(
                [STATION_MAP_TILE_URL, STATION_MAP_LABEL_URL], STATION_MAP_TILE_SUBDOMAINS
            ),
            *csp_media_origins(STORAGES["default"]),
        ],
        "connect-src": ["'self'"],
        "frame-src": CSP_EMBED_ORIGINS or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # 'none' matches X_FRAME_OPTIONS = "DENY"; core/csp.py turns it into 'self' on the
        # responses that may be framed by the site itself (Wagtail's preview panel).
        "frame-ancestors": ["'none'"],
    },
}
# Added to the policy above under /admin/ only (core/csp.py), as the browser tests found Wagtail
# 8's admin needs them (tests/browser/test_csp.py):
CONTENT_SECURITY_POLICY_ADMIN = {
    # Wagtail's admin templates still carry inline <script>s (inline panels, date pickers, the
    # chooser modals' responses) and Wagtail puts no nonce on them, so a nonce cannot help.
    "script-src": ["'unsafe-inline'"],
    # The editors' widgets in wagtailadmin/js/vendor.js (Draftail and friends) insert <style>
    # elements as they start.
    "style-src": ["'unsafe-inline'"],
    # The preview panel and the block previews are same-origin iframes.
    "frame-src": ["'self'"],
}
# Editors' avatars from Gravatar would send a hash of each editor's e-mail address to a foreign
# server (unreachable from many government networks anyway) and need it in img-src: Wagtail
# shows its default avatar instead, or the one uploaded in the account settings.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
