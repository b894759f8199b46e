"""Which images and documents are public: those that public content uses, and only those.

The registers keep their files in collections of their own (core/file_collections.py: who on the
staff may choose them), but a station's collection holds its public and its internal activities'
photos alike, so a file's collection does not say whether it may be shown to the public. A file is
public when a public object uses it:

- a live page without a view restriction refers to it (Wagtail's reference index, which holds
  the references of a page's published content, not of its drafts): cover images, images and
  document links in bodies;
- a published deputy's photo; a live station's photo and working-system files;
- a public activity's photos and files (live, 公开, at a live station);
- a published normative document's files.

Two users: the API v2 image and document endpoints (opendata/api.py) list only these files, and
the `before_serve_document` hook (opendata/wagtail_hooks.py) answers 404 at
/documents/<id>/<filename> for any other document, unless the user may choose it. The rule lives
here, in `opendata`, because it names models of deputies, stations and documents: opendata
already imports all three and nothing imports opendata, so the one-way imports of
docs/architecture.md stay as they are."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
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
    """A Q on the image model: images that public content shows."""
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
    """A Q on the document model: documents that public content links."""
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


def is_public_document(request, document):
    """Whether public content links `document` (one query)."""
    model = get_document_model()
    return model.objects.filter(pk=document.pk).filter(public_document_filter(request)).exists()
