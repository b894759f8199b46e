from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from core import views as core_views
from opendata import views as opendata_views
from opendata.api import api_router
from search import views as search_views
from stations import api as stations_api
from stations import views as stations_views

# A database error raised by a middleware (not a view) gets the 503 page too (core/middleware.py).
handler500 = "core.middleware.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("mode/", core_views.switch_mode, name="site_mode"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # In front of Wagtail's own views of the same paths (accounts/views.py): logout by POST only,
    # password reset throttled and audited (and off unless ADMIN_PASSWORD_RESET).
    # Wagtail's URL names are kept: the second-factor middleware lets "wagtailadmin_logout"
    # through before the code is entered.
    path("admin/logout/", accounts_views.admin_logout, name="wagtailadmin_logout"),
    path(
        "admin/password_reset/",
        accounts_views.PasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="wagtailadmin_password_reset_confirm",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.api_search, name="api_search"),
    path("api/areas/", stations_api.areas, name="api_areas"),
    # Wagtail API v2, read-only: pages, images, documents (opendata/api.py).
    path("api/v2/", api_router.urls),
    path("open-data/popolo.json", opendata_views.popolo_json, name="popolo_json"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # The stations' iCal feeds (<stations>/receptions.ics, <stations>/<pk>/receptions.ics): page
    # URLs end in a slash, so Wagtail's serve view does not take them (see stations/views.py).
    re_path(
        r"^((?:[\w\-]+/)*receptions\.ics)$",
        stations_views.serve_calendar,
        name="station_calendar",
    ),
    path("", include(wagtail_urls)),
]
