from django import template

from deputies.models import DeputyIndexPage

register = template.Library()


def _index_page(request):
    """The live register page, looked up once per request."""
    if request is None:
        return DeputyIndexPage.objects.live().public().first()
    if not hasattr(request, "_deputy_index_page"):
        request._deputy_index_page = DeputyIndexPage.objects.live().public().first()
    return request._deputy_index_page


@register.simple_tag(takes_context=True)
def deputy_url(context, deputy):
    """The public profile URL of a published deputy, or "" when there is none (no deputy, a draft,
    or no live register page). For other apps' templates: {% deputy_url item.deputy as url %}."""
    if deputy is None or not deputy.live:
        return ""
    index_page = _index_page(context.get("request"))
    if index_page is None:
        return ""
    return f"{index_page.profile_url_prefix}{deputy.pk}/"
