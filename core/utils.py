from django.core.exceptions import ValidationError
from django.core.paginator import Paginator


def paginate(request, items, per_page):
    """Return the requested page of `items`. A missing, malformed or out-of-range ?page=
    falls back to the first or last page (Paginator.get_page) instead of an error page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def parse_int(value, minimum=None, maximum=None):
    """An int from user input, or None when it is missing, malformed or out of range."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def check_date_range(start, end, end_field="end_date"):
    """Refuse an end date before the start date, with the message on the end field. Either may be
    empty (an open range)."""
    if start and end and end < start:
        raise ValidationError({end_field: "结束日期不能早于开始日期。"})
