"""Wagtail's API v2, read-only, at /api/v2/ (website/urls.py): pages, images and documents.

pages/      Wagtail's own endpoint: live pages of the site, without those behind a view
            restriction (password, login, groups) and their descendants. The fields each page
            type exposes are its `api_fields` (news/models, home/models).
images/     images that public content shows, and only those
documents/  documents that public content links, and only those

Wagtail's image and document endpoints list every file outside a restricted collection. Here
the registers keep their files in the root collection whatever the record's state, so the stock
endpoints would list the photos and files of internal station activities (不公开的活动记录),
of draft deputies, stations and normative documents, and files uploaded for pages not yet
published: titles and download URLs of material that is not public. These endpoints list a file
only when a public object uses it: a live, unrestricted page (through Wagtail's reference index,
which holds the references of a page's published content), a published deputy's photo, a live
station's photo and working-system files, a public activity's photos and files, a published
normative document's files (opendata/public_files.py, the rule the document serve hook in
opendata/wagtail_hooks.py uses too). Restricted collections stay excluded as in Wagtail.

Every endpoint answers GET (and HEAD, OPTIONS) only: Wagtail's viewsets route no other method,
so POST, PUT, PATCH and DELETE get 405. No request is authenticated (no session, no HTTP Basic
login): the API is what an anonymous visitor sees, the same for everyone, and it offers no way
to try passwords."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from opendata.public_files import public_document_filter, public_image_filter

# Past this offset SQLite overflows (a 500); nobody pages this deep (WAGTAILAPI_LIMIT_MAX is 20).
MAX_OFFSET = 10_000
SEARCH_OPERATORS = ("and", "or")


class CheckedParametersMixin:
    """Refuse, with a 400 as Wagtail does for its other parameters, the two values Wagtail lets
    through to a 500 (found by fuzzing, tests/security/test_fuzz.py): a huge ?offset= and an
    unknown ?search_operator= (the search backend raises ValueError)."""

    def check_query_parameters(self, queryset):
        super().check_query_parameters(queryset)
        offset = self.request.GET.get("offset", "0")
        if offset.strip().isdecimal() and int(offset) > MAX_OFFSET:
            raise BadRequestError(
                f"offset 不能大于 {MAX_OFFSET}（offset cannot exceed {MAX_OFFSET}）"
            )
        operator = self.request.GET.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator 只能是 and 或 or（must be 'and' or 'or'）")


class PublicPagesAPIViewSet(CheckedParametersMixin, PagesAPIViewSet):
    authentication_classes = []


class PublicImagesAPIViewSet(CheckedParametersMixin, ImagesAPIViewSet):
    authentication_classes = []

    def get_queryset(self):
        return super().get_queryset().filter(public_image_filter(self.request))


class PublicDocumentsAPIViewSet(CheckedParametersMixin, DocumentsAPIViewSet):
    authentication_classes = []

    def get_queryset(self):
        return super().get_queryset().filter(public_document_filter(self.request))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
