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


class ApiSearchParams(SearchParams):
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": "limit 必须是整数。",
            "min_value": f"limit 应在 1 到 {MAX_LIMIT} 之间。",
            "max_value": f"limit 应在 1 到 {MAX_LIMIT} 之间。",
        },
    )
    offset = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_OFFSET,
        error_messages={
            "invalid": "offset 必须是整数。",
            "min_value": f"offset 应在 0 到 {MAX_OFFSET} 之间。",
            "max_value": f"offset 应在 0 到 {MAX_OFFSET} 之间。",
        },
    )


def first_error(form):
    """The first error message of a form, for a one-line answer."""
    for errors in form.errors.values():
        for error in errors:
            return error
    return "参数有误。"
