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
normative document's files. Restricted collections stay excluded as in Wagtail.

Every endpoint answers GET (and HEAD, OPTIONS) only: Wagtail's viewsets route no other method,
so POST, PUT, PATCH and DELETE get 405. No request is authenticated (no session, no HTTP Basic
login): the API is what an anonymous visitor sees, the same for everyone, and it offers no way
to try passwords."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, ReferenceIndex

from deputies.models import Deputy
from documents.models import DocumentFile
from stations.models import Activity, ActivityFile, ActivityPhoto, Station, StationSystem


def referenced_by_public_pages(request, model):
    """Primary keys (as strings) of `model` objects that live, unrestricted pages refer to."""
    pages = get_public_pages_queryset(request).annotate(key=Cast("pk", CharField()))
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=pages.values("key"),
        to_content_type=ContentType.objects.get_for_model(model),
    ).values("to_object_id")


def public_image_filter(request):
    model = get_image_model()
    keys = model.objects.annotate(key=Cast("pk", CharField())).filter(
        key__in=referenced_by_public_pages(request, model)
    )
    public_activities = Activity.objects.public()
    return (
        Q(pk__in=keys.values("pk"))
        | Q(pk__in=Deputy.objects.public().values("photo"))
        | Q(pk__in=Station.objects.public().values("photo"))
        | Q(pk__in=ActivityPhoto.objects.filter(activity__in=public_activities).values("image"))
    )


def public_document_filter(request):
    model = get_document_model()
    keys = model.objects.annotate(key=Cast("pk", CharField())).filter(
        key__in=referenced_by_public_pages(request, model)
    )
    public_activities = Activity.objects.public()
    return (
        Q(pk__in=keys.values("pk"))
        | Q(pk__in=StationSystem.objects.filter(station__live=True).values("document"))
        | Q(pk__in=ActivityFile.objects.filter(activity__in=public_activities).values("document"))
        | Q(pk__in=DocumentFile.objects.filter(document__live=True).values("file"))
    )


class PublicPagesAPIViewSet(PagesAPIViewSet):
    authentication_classes = []


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    authentication_classes = []

    def get_queryset(self):
        return super().get_queryset().filter(public_image_filter(self.request))


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    authentication_classes = []

    def get_queryset(self):
        return super().get_queryset().filter(public_document_filter(self.request))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
