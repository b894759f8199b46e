from decimal import Decimal, InvalidOperation

from django import template
from wagtail.models import Page, Site

from core.utils import MAX_ID, parse_int

register = template.Library()


def _site_root(context):
    request = context.get("request")
    cache = getattr(request, "_core_site_root", None) if request else None
    if cache is not None:
        return cache
    site = Site.find_for_request(request) if request else None
    root = site.root_page if site else None
    if request is not None:
        request._core_site_root = root
    return root


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    """Live, public children of the site root marked 'show in menus'. The item holding the
    current page is marked aria-current ("page" on itself, "true" on an ancestor)."""
    root = _site_root(context)
    current = context.get("page")
    current_path = current.url_path if isinstance(current, Page) else ""
    items = []
    if root is not None:
        for item in root.get_children().live().public().in_menu().only("title", "url_path"):
            if current_path == item.url_path:
                state = "page"
            elif current_path.startswith(item.url_path):
                state = "true"
            else:
                state = None
            items.append((item, state))
    return {
        "request": context.get("request"),
        "root": root,
        "root_current": root is not None and current_path == root.url_path,
        "items": items,
    }


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, extra=None):
    """Ancestors of the page below the tree root, then the page itself; `extra` is a list of
    (title, url) pairs for routable sub-pages (e.g. a category or a feed)."""
    page = page or context.get("page")
    crumbs = []
    if isinstance(page, Page):
        for ancestor in page.get_ancestors().filter(depth__gt=1).live().only("title", "url_path"):
            crumbs.append((ancestor.title, ancestor.get_url(context.get("request"))))
        crumbs.append((page.title, page.get_url(context.get("request"))))
    for title, url in extra or []:
        crumbs.append((title, url))
    return {"crumbs": crumbs}


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page_obj, label="分页"):
    return {"request": context.get("request"), "page_obj": page_obj, "label": label}


@register.filter
def money(value):
    """12345.5 -> "12,345.50" (yuan with thousands separators); None -> "—"."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.simple_tag(takes_context=True)
def site_mode(context):
    """The display mode of this request: "standard" or "elder" (core/site_mode.py)."""
    from core import site_mode as modes

    return modes.from_request(context.get("request"))


@register.inclusion_tag("components/mode_switch.html", takes_context=True)
def mode_switch(context, mode, back=None):
    """The header's 长辈版/标准版 link: to the other mode, back to this page (or to `back`)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from core import site_mode as modes

    request = context.get("request")
    elder = mode == modes.ELDER
    query = {"to": modes.STANDARD if elder else modes.ELDER}
    if back is not None:
        query["next"] = back
    elif request is not None:
        query["next"] = request.get_full_path()
    return {"elder": elder, "url": f"{reverse('site_mode')}?{urlencode(query)}"}


@register.filter
def zip_with(first, second):
    """Pairs of two sequences, for a table row's cells with their column headings:
    {% for heading, cell in headings|zip_with:row.cells %}. One pair per item of `second`
    (a heading missing, or no headings at all, pairs with "")."""
    first = list(first or [])
    return [(first[i] if i < len(first) else "", item) for i, item in enumerate(second or [])]


@register.simple_tag(takes_context=True)
def page_description(context):
    """The meta description of a page: its own (search description or summary), else the home
    page's introduction, else "<title> - <site name>"; never empty."""
    page = context.get("page")
    description = ""
    if isinstance(page, Page):
        description = (
            getattr(page, "meta_description", "")
            or page.search_description
            or getattr(page, "introduction", "")
        )
    if not description:
        from core.models import SiteSettings

        request = context.get("request")
        site_name = SiteSettings.for_request(request).site_name if request is not None else ""
        title = page.title if isinstance(page, Page) else ""
        description = " - ".join(part for part in (title, site_name) if part)
    return " ".join(str(description).split())


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """The absolute canonical URL of this page (or of `path`): scheme and host of the request,
    the path without query string except a listing's ?page=N beyond the first."""
    request = context.get("request")
    if request is None:
        return path or ""
    if path is None:
        path = request.path
        page_number = parse_int(request.GET.get("page", ""), minimum=2, maximum=MAX_ID)
        if page_number is not None:
            path = f"{path}?page={page_number}"
    return request.build_absolute_uri(path)


@register.filter
def endswith(value, suffix):
    """Whether the text ends with `suffix` ("新桥村"|endswith:"村")."""
    return bool(suffix) and str(value).endswith(str(suffix))
