"""The parameters of the search page and GET /api/search/ (DESIGN.md §4), validated with Django's
forms so that bad input gets a clear Chinese message rather than an exception."""

from django import forms

from search.backends.site import MAX_LIMIT, RESULT_TYPES, TYPE_NAMES

# The search box's limit; the API takes longer text (a pasted sentence) up to API_MAX_QUERY.
PAGE_MAX_QUERY = 100
API_MAX_QUERY = 2000
# Deeper than this nobody pages; beyond it the statement would rank the whole corpus for nothing.
MAX_OFFSET = 10_000
TYPE_LABELS = {result_type.name: result_type.label for result_type in RESULT_TYPES}
TYPE_LIST = "、".join(TYPE_NAMES)


class SearchParams(forms.Form):
    q = forms.CharField(required=False, strip=True)
    type = forms.MultipleChoiceField(
        required=False,
        choices=[(name, TYPE_LABELS[name]) for name in TYPE_NAMES],
        error_messages={"invalid_choice": f"未知的类型“%(value)s”，可选：{TYPE_LIST}。"},
    )

    def __init__(self, data, *, max_query, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].validators.append(
            forms.fields.validators.MaxLengthValidator(
                max_query, message=f"搜索词过长，请控制在{max_query}个字以内。"
            )
        )

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            # PostgreSQL refuses NUL in text; nobody types it.
            value = value.replace("\x00", " ").strip()
        return value


def bounded_integer(name, minimum, maximum):
    """An optional integer parameter with Chinese messages naming it and its range."""
    out_of_range = f"{name} 应在 {minimum} 到 {maximum} 之间。"
    return forms.IntegerField(
        required=False,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "invalid": f"{name} 必须是整数。",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class ApiSearchParams(SearchParams):
    limit = bounded_integer("limit", 1, MAX_LIMIT)
    offset = bounded_integer("offset", 0, MAX_OFFSET)


def first_error(form):
    """The first error message of a form, for a one-line answer."""
    for errors in form.errors.values():
        for error in errors:
            return error
    return "参数有误。"
