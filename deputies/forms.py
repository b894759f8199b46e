"""Admin forms of the deputies register.

`DeputyAdminForm` is the base form of the deputy edit view (set as `Deputy.base_form_class`, so the
form built from the model's panels inherits it). It checks what spans the deputy and his inline
elections: a deputy is elected in one constituency per term and level (the rule shared with the
importer through `duplicate_term_elections`). Rules that concern one row only (dates in order, a
terminated deputy's date and reason, a check-in's group) live in the models' `clean()` and reach
the admin through the model form's validation.
"""

from wagtail.admin.forms import WagtailAdminModelForm

ELECTIONS = "elections"


class DeputyAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        self.check_one_constituency_per_term_and_level()
        return cleaned_data

    def check_one_constituency_per_term_and_level(self):
        # Imported here: the models module imports this form for `base_form_class`.
        from deputies.models.register import duplicate_term_elections

        formset = self.formsets.get(ELECTIONS)
        if formset is None:
            return
        formset.errors  # noqa: B018  (validates the rows, so cleaned_data is there to read)
        chosen = []
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or formset._should_delete_form(form):
                continue
            constituency = form.cleaned_data.get("constituency")
            if constituency is not None:
                chosen.append((form, constituency))

        for first, second in duplicate_term_elections([c for _form, c in chosen]):
            message = (
                f"同一届次、同一层级的代表只能在一个选区当选：已填写“{first}”，"
                f"不能再填写“{second}”。"
            )
            for form, constituency in chosen:
                if constituency == second and "constituency" not in form.errors:
                    form.add_error("constituency", message)
