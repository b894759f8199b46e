"""Access to Wagtail's document serve view, /documents/<id>/<filename>.

Wagtail serves any document outside a restricted collection to anyone who has its URL. Here a
document is served when public content links it (opendata/public_files.py), or to a user who may
choose or change it: the file's collection and his permission on it (core/file_collections.py:
an editor the root's editorial files, a station administrator his own stations' collections,
法工委 the normative documents' collection). Being allowed into the admin is not enough: the
files of another station's internal activity, of draft normative documents and of unpublished
pages are refused to every other admin user as to anonymous visitors."""

from django.http import Http404
from wagtail import hooks

from core.file_collections import file_policy
from opendata.public_files import is_public_document


def may_download(user, document):
    """Whether `user` reaches `document` through its collection (choose, or change: his own
    uploads in a collection he may add to)."""
    return user.is_authenticated and file_policy(
        type(document)
    ).user_has_any_permission_for_instance(user, ["choose", "change"], document)


# order=-1: before Wagtail's own check_view_restrictions (order 0) and any later hook, so that
# nothing is done for (or logged about) a document that is about to be refused.
@hooks.register("before_serve_document", order=-1)
def serve_public_documents_only(document, request):
    """404 unless public content links the document or the user may choose or change it. A
    document in a collection with a view restriction (password, login, groups) is left to
    Wagtail's check: an editor who put it there chose who may read it."""
    if document.collection.get_view_restrictions().exists():
        return None
    if may_download(request.user, document) or is_public_document(request, document):
        return None
    raise Http404("文件不存在或未公开。")
