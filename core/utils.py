from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.utils.cache import patch_cache_control

# The largest primary key (BigAutoField, a signed 64-bit integer): a larger number in a query on a
# foreign key overflows on SQLite instead of matching nothing.
MAX_ID = 2**63 - 1


class HTMLSafeJSONEncoder(DjangoJSONEncoder):
    """JSON with <, > and & written as \\u escapes, as Django's json_script does: the public JSON
    APIs echo what was typed (an unknown ?type=, a query), and escaped it can never read as markup,
    whatever a client or proxy takes the response for. Parsed, the data is the same."""

    ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

    def encode(self, o):
        return super().encode(o).translate(self.ESCAPES)


def json_response(data, status=200, max_age=None):
    """The public JSON APIs' response: UTF-8 text as is (ensure_ascii off), markup characters
    escaped (HTMLSafeJSONEncoder), and on success `Cache-Control: public, max-age` when given."""
    response = JsonResponse(
        data, status=status, encoder=HTMLSafeJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    if status == 200 and max_age is not None:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


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
