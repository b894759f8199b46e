"""Admin forms of the deputies register.

`DeputyAdminForm` is the base form of the deputy edit view (set as `Deputy.base_form_class`, so the
form built from the model's panels inherits it). It checks what spans the deputy and his inline
elections: a deputy is elected in one constituency per term and level (the rule shared with the
importer through `duplicate_term_elections`). Rules that concern one row only (dates in order, a
terminated deputy's date and reason, a check-in's group) live in the models' `clean()` and reach
the admin through the model form's validation.
"""

import datetime

from django import forms
from django.utils import timezone

from core.file_choices import AdminModelForm

ELECTIONS = "elections"
# What an inline row's missing field says (Wagtail's own "必需字段" names no field).
REQUIRED_IN_ROW = {ELECTIONS: {"constituency": "请选择选区（或删除这一行）。"}}


class DeputyAdminForm(AdminModelForm):
    """The photo: only an image the user may choose (core/file_choices.py)."""

    # Not a model field: the deputy's memberships of this term's deputy groups (GroupMembership,
    # an inline of DeputyGroup), so that a new deputy is put in his group from his own form.
    deputy_groups = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="代表小组",
        widget=forms.CheckboxSelectMultiple,
        help_text="本届所在的代表小组；保存时加入（开始日期为今天），取消勾选即退出（结束日期为昨天）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for relation, messages in REQUIRED_IN_ROW.items():
            formset = self.formsets.get(relation)
            if formset is None:
                continue
            for form in [*formset.forms, formset.empty_form]:
                for name, message in messages.items():
                    if name in form.fields:
                        form.fields[name].error_messages["required"] = message
        if "deputy_groups" in self.fields:
            self.fields["deputy_groups"].queryset = self.group_choices()
            if self.instance.pk and not self.is_bound:
                self.initial["deputy_groups"] = list(self.current_groups())

    @staticmethod
    def group_choices():
        from deputies.models import DeputyGroup, Term

        groups = DeputyGroup.objects.select_related("term")
        term = Term.current()
        return groups.filter(term=term) if term else groups

    def current_groups(self):
        """The groups the deputy is a member of today (among `group_choices`)."""
        from deputies.models import GroupMembership

        memberships = GroupMembership.objects.as_of().filter(
            deputy=self.instance, group__in=self.fields["deputy_groups"].queryset
        )
        return memberships.values_list("group_id", flat=True)

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if instance.pk and "deputy_groups" in self.cleaned_data:
            self.save_groups(instance, self.cleaned_data["deputy_groups"])
        return instance

    def save_groups(self, deputy, chosen):
        """Join the groups ticked, leave the ones unticked. Memberships are rows of the groups,
        not of the deputy's revisions: they change on every save, a draft's too."""
        from deputies.models import GroupMembership

        today = timezone.localdate()
        current = set(self.current_groups())
        wanted = {group.pk for group in chosen}
        for group in chosen:
            if group.pk not in current:
                GroupMembership.objects.create(
                    group=group,
                    deputy=deputy,
                    start_date=today,
                    sort_order=GroupMembership.objects.filter(group=group).count(),
                )
        for membership in GroupMembership.objects.as_of().filter(
            deputy=deputy, group_id__in=current - wanted
        ):
            if membership.start_date is not None and membership.start_date >= today:
                membership.delete()  # joined by mistake today: no membership at all
            else:  # a member until yesterday (DatedQuerySet.as_of counts the end date in)
                membership.end_date = today - datetime.timedelta(days=1)
                membership.save(update_fields=["end_date"])

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
