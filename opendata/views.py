"""GET /open-data/popolo.json: the registers as Popolo JSON (opendata/popolo.py)."""

import json

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .popolo import popolo

# Five minutes: what a CDN or reverse proxy (and a browser) may reuse the export for. A change
# in the registers reaches the file within that time.
MAX_AGE = 300


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def popolo_json(request):
    body = json.dumps(popolo(request), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="popolo.json"'
    # Open data: any site may read it from a browser script.
    response["Access-Control-Allow-Origin"] = "*"
    return response
