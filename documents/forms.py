"""Admin forms of 备案审查 (base forms of the viewsets' panels in documents/wagtail_hooks.py).

`ReviewAdminForm` enforces how a review's stage moves and works out the change the edit view
logs (documents/admin_views.py, `StageLoggingMixin`):

- a new review may start at any stage (reviews kept on paper are entered afterwards);
- an existing review moves forward one stage at a time: 接收登记 → 审查中 → 已审结; the date of
  the new stage is today's when left empty;
- going back is a correction: it needs a note (更正说明), clears what belongs to the later stages
  (conclusion and dates, kept in the log entry) and is logged like any change.

`NormativeDocumentAdminForm` sends the full text extracted during an autosave back to the open
form (documents/admin_views.py, `DocumentFormMixin`).

`ReviewSuggestionAdminForm` keeps what the citizen wrote as written (read-only once saved) and
stamps 答复时间 when the status becomes 已答复 or 不予受理.
"""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from core.file_choices import AdminModelForm

from .models import Review, ReviewSuggestion

STAGES = Review.STAGE_ORDER
STAGE_LABELS = dict(Review.STAGE_CHOICES)
CONCLUSION_LABELS = dict(Review.CONCLUSION_CHOICES)

# What each stage adds to a review: cleared when a correction goes back before that stage.
STAGE_FIELDS = {
    Review.REVIEWING: ("started_date",),
    Review.CONCLUDED: ("concluded_date", "conclusion"),
}
FIELD_LABELS = {
    "started_date": "开始审查日期",
    "concluded_date": "审结日期",
    "conclusion": "审查结论",
}

STAGE_HELP = (
    "阶段逐步推进：接收登记 → 审查中 → 已审结，每次变更连同操作人和时间记入历史记录。"
    "退回之前的阶段属于更正，须填写更正说明。"
)


class NormativeDocumentAdminForm(AdminModelForm):
    """The files: only documents the user may choose (core/file_choices.py)."""

    #: The full text extracted from the files during this save (set by the view), or None.
    extracted_text = None

    def get_field_updates_for_resave(self):
        """After a background save (autosave), Wagtail's JavaScript writes these values into the
        still-open form: the extracted text replaces the form's stale one."""
        updates = super().get_field_updates_for_resave()
        if self.extracted_text is not None and "full_text" in self.fields:
            updates.append((self.add_prefix("full_text"), self.extracted_text))
        return updates


class ReviewAdminForm(WagtailAdminModelForm):
    correction_note = forms.CharField(
        label="更正说明",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="把阶段退回到之前的阶段时必填，记入历史记录。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read before validation writes the submitted values onto the instance.
        self.previous_stage = self.instance.stage if self.instance.pk else None
        #: (from, to, note, cleared) for the edit view to log; None when the stage is unchanged.
        self.stage_change = None
        if "stage" in self.fields:
            self.fields["stage"].help_text = STAGE_HELP

    def clean(self):
        cleaned_data = super().clean()
        new = cleaned_data.get("stage")
        old = self.previous_stage
        note = (cleaned_data.get("correction_note") or "").strip()
        if not new or new == old:
            return cleaned_data
        if old is None:
            self.stage_change = ("", new, note, {})
            return cleaned_data

        step = STAGES.index(new) - STAGES.index(old)
        if step > 1:
            skipped = STAGE_LABELS[STAGES[STAGES.index(old) + 1]]
            self.add_error(
                "stage",
                f"阶段只能逐步推进：请先改为“{skipped}”并保存，再改为“{STAGE_LABELS[new]}”。",
            )
        elif step == 1:
            self.fill_stage_date(cleaned_data, new)
            self.stage_change = (old, new, note, {})
        elif not note:
            self.add_error(
                "correction_note",
                f"把阶段从“{STAGE_LABELS[old]}”退回“{STAGE_LABELS[new]}”属于更正，"
                "请写明更正的原因（记入历史记录）。",
            )
        else:
            cleared = self.clear_later_stages(cleaned_data, new)
            self.stage_change = (old, new, note, cleared)
        return cleaned_data

    def fill_stage_date(self, cleaned_data, stage):
        today = timezone.localdate()
        if stage == Review.REVIEWING and not cleaned_data.get("started_date"):
            cleaned_data["started_date"] = today
        if stage == Review.CONCLUDED and not cleaned_data.get("concluded_date"):
            cleaned_data["concluded_date"] = today

    def clear_later_stages(self, cleaned_data, stage):
        """Clear the fields of the stages after `stage`; returns what was cleared, for the log."""
        cleared = {}
        for later in STAGES[STAGES.index(stage) + 1 :]:
            for field in STAGE_FIELDS.get(later, ()):
                value = cleaned_data.get(field)
                if value:
                    display = CONCLUSION_LABELS.get(value) if field == "conclusion" else None
                    cleared[FIELD_LABELS[field]] = display or str(value)
                cleaned_data[field] = "" if field == "conclusion" else None
        return cleared


# What the citizen wrote: shown to staff, never changed by them once saved.
SUGGESTION_CONTENT = ("document", "document_title", "issues", "reasons", "name", "contact")
ANSWERED = (ReviewSuggestion.REPLIED, ReviewSuggestion.DECLINED)


class ReviewSuggestionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_status = self.instance.status if self.instance.pk else None
        if self.instance.pk:
            for name in SUGGESTION_CONTENT:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "建议人提交的内容，不能修改"

    def save(self, commit=True):
        self.stamp_reply_time()
        return super().save(commit=commit)

    def stamp_reply_time(self):
        """答复时间: when the status became 已答复/不予受理; cleared when it goes back."""
        suggestion = self.instance
        if suggestion.status not in ANSWERED:
            suggestion.replied_at = None
        elif suggestion.status != self.previous_status or not suggestion.replied_at:
            suggestion.replied_at = timezone.now()
