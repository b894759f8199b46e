from decimal import Decimal, InvalidOperation

from django import template
from wagtail.models import Page, Site

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
