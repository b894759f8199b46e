"""Access to Wagtail's document serve view, /documents/<id>/<filename>.

Wagtail serves any document outside a restricted collection to anyone who has its URL. The
registers keep their files in the root collection whatever the state of the record, so without
this hook the files of internal station activities (不公开的活动记录), of draft deputies, stations
and normative documents, and files linked only from unpublished pages would be downloadable by
anyone who got hold of, or guessed, the id and file name."""

from django.http import Http404
from wagtail import hooks

from opendata.public_files import is_public_document


# order=-1: before Wagtail's own check_view_restrictions (order 0) and any later hook, so that
# nothing is done for (or logged about) a document that is about to be refused.
@hooks.register("before_serve_document", order=-1)
def serve_public_documents_only(document, request):
    """404 for anonymous visitors and other non-staff users unless public content links the
    document (opendata/public_files.py, the rule of the API's document endpoint). Staff who may
    use the admin still download anything, as in the admin's own document listing. A document in
    a collection with a view restriction (password, login, groups) is left to Wagtail's check:
    an editor who put it there chose who may read it."""
    if request.user.has_perm("wagtailadmin.access_admin"):
        return None
    if document.collection.get_view_restrictions().exists():
        return None
    if not is_public_document(request, document):
        raise Http404("文件不存在或未公开。")
    return None
