"""Public forms of the registry: the review suggestion (审查建议) and the status lookup (查询).

The suggestion form defends itself without JavaScript: a honeypot field hidden from people and
screen readers, a signed timestamp that refuses submissions made faster than a person could type
(DOCUMENTS_SUGGESTION_MIN_SECONDS, default 3) or from a form older than a day, per-field size
limits and validated contact details. Bot-like submissions get one generic message and store
nothing. CSRF and the per-IP rate limit are the view's (documents/views.py)."""

import re
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from .models import NormativeDocument, ReviewSuggestion

TEXT_MAX = 5000
NAME_MAX = 50
CONTACT_MAX = 100
TITLE_MAX = 300
FORM_MAX_AGE = 24 * 60 * 60  # seconds a rendered form stays valid
HONEYPOT_FIELD = "website"
TIMESTAMP_SALT = "documents.suggestion.started"

CHECK_CODE = re.compile(r"[A-Z0-9]+")
MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")
SEPARATORS = str.maketrans(
    {" ": "", "\u3000": "", "（": "", "）": "", "(": "", ")": "", "－": "-", "—": "-"}
)
FULL_WIDTH = str.maketrans("０１２３４５６７８９＋＠．", "0123456789+@.")

REJECTED = (
    "提交未成功。请确认没有填写标注为“请勿填写”的项目，稍等片刻后重新提交；"
    "如仍无法提交，请通过网站页脚的联系方式联系我们。"
)
EXPIRED = "表单已打开超过24小时，为安全起见请检查内容后重新提交。"


def min_seconds():
    return getattr(settings, "DOCUMENTS_SUGGESTION_MIN_SECONDS", 3)


def new_timestamp():
    """The signed start of a rendered form: its time (floored: never in the future) and a random
    nonce that makes each rendered form's token single-use (documents/views.py)."""
    return signing.dumps([int(time.time()), secrets.token_hex(8)], salt=TIMESTAMP_SALT)


def normalise_contact(value):
    """Full-width characters to ASCII, spaces out, an area code in brackets followed by a hyphen:
    "（0311）8888 6666" → "0311-88886666", "139 1234 5678" → "13912345678"."""
    value = value.strip().translate(FULL_WIDTH)
    value = re.sub(r"^[（(](0\d{2,3})[)）]\s*", r"\1-", value)
    return value.translate(SEPARATORS)


def validate_contact(value):
    """A Chinese mobile number, a landline (区号-号码, optional extension) or an email address."""
    if "@" in value:
        EmailValidator(message="电子邮箱格式不正确，请检查。")(value)
        return value
    if MOBILE.fullmatch(value.replace("-", "")):
        return value.replace("-", "")
    if LANDLINE.fullmatch(value):
        return value
    raise ValidationError(
        "请填写有效的联系方式：手机号码（如 13912345678）、"
        "固定电话（如 0311-88886666）或电子邮箱。",
        code="invalid_contact",
    )


def _required(label):
    return {"required": f"请填写{label}。", "max_length": f"{label}不能超过 %(limit_value)d 个字。"}


class SuggestionForm(forms.Form):
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    document_title = forms.CharField(
        label="建议审查的文件名称",
        required=False,
        max_length=TITLE_MAX,
        help_text="请写明文件标题，知道文号的请一并填写，如：关于……的通知（县政发〔2026〕3号）。",
        error_messages=_required("文件名称"),
    )
    issues = forms.CharField(
        label="存在的问题",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"文件哪些条款可能违反法律法规或损害公民、组织的合法权益，不超过{TEXT_MAX}字。",
        error_messages=_required("存在的问题"),
    )
    reasons = forms.CharField(
        label="理由和依据",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"所依据的法律、法规条款及理由，不超过{TEXT_MAX}字。",
        error_messages=_required("理由和依据"),
    )
    name = forms.CharField(
        label="建议人姓名或组织名称",
        max_length=NAME_MAX,
        help_text="仅供工作人员联系使用，不会在网站上公开。",
        error_messages=_required("建议人姓名或组织名称"),
    )
    contact = forms.CharField(
        label="联系方式",
        max_length=CONTACT_MAX,
        help_text="手机号码、固定电话或电子邮箱，仅供工作人员联系使用，不会在网站上公开。",
        error_messages=_required("联系方式"),
    )
    # The honeypot: hidden from people (CSS, aria-hidden, tabindex -1); its label says so for
    # anyone who reads the page without styles. Anything in it means a bot.
    website = forms.CharField(label="请勿填写此项（用于识别自动提交程序）", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bot_detected = False
        self.selected_document = None
        self.token = None  # the nonce of the signed timestamp, once the form is valid
        if not self.is_bound:
            self.initial.setdefault("started", new_timestamp())
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def _reject(self, message=REJECTED):
        self.bot_detected = True
        raise ValidationError(message, code="rejected")

    def clean_document(self):
        pk = self.cleaned_data.get("document")
        if pk is None:
            return None
        document = NormativeDocument.objects.public().filter(pk=pk).only("pk", "title").first()
        if document is None:
            raise ValidationError("所选文件不存在或已不再公开，请在下方填写文件名称。")
        self.selected_document = document
        return document

    def clean_document_title(self):
        return self.cleaned_data.get("document_title", "").strip()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("请填写建议人姓名或组织名称。")
        return name

    def clean_contact(self):
        return validate_contact(normalise_contact(self.cleaned_data["contact"]))

    def clean_issues(self):
        return self._text("issues", "存在的问题")

    def clean_reasons(self):
        return self._text("reasons", "理由和依据")

    def _text(self, name, label):
        text = self.cleaned_data[name].strip()
        if not text:
            raise ValidationError(f"请填写{label}。")
        return text

    def clean(self):
        cleaned = super().clean()
        if (self.data.get(HONEYPOT_FIELD) or "").strip():
            self._reject()
        if (
            "document" in cleaned
            and cleaned.get("document") is None
            and "document" not in self.errors
            and not cleaned.get("document_title")
            and "document_title" not in self.errors
        ):
            self.add_error(
                "document_title",
                "请填写建议审查的文件名称，或从文件页面点击“对本文件提出审查建议”。",
            )
        if self.errors:
            # A person correcting mistakes: the timing is checked on the submission that would
            # be stored, so a quick first click on an empty form gets the field messages.
            return cleaned
        try:
            started = signing.loads(
                self.data.get("started") or "", salt=TIMESTAMP_SALT, max_age=FORM_MAX_AGE
            )
        except signing.SignatureExpired:
            self.data = self.data.copy()
            self.data["started"] = new_timestamp()
            raise ValidationError(EXPIRED, code="expired") from None
        except signing.BadSignature:
            self._reject()
        if isinstance(started, list) and len(started) == 2:
            started, self.token = started
        elif not isinstance(started, int):  # a form rendered before the nonce: time only
            self._reject()
        if time.time() - float(started) < min_seconds():
            self._reject()
        return cleaned

    def content(self):
        """What save() stores, as model field values."""
        data = self.cleaned_data
        document = data.get("document")
        return {
            "document": document,
            "document_title": "" if document else data["document_title"],
            "issues": data["issues"],
            "reasons": data["reasons"],
            "name": data["name"],
            "contact": data["contact"],
        }

    def save(self):
        return ReviewSuggestion.objects.create(**self.content())


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label="受理编号",
        max_length=30,
        help_text="提交审查建议后显示的编号，如 JY20260315012345。",
        error_messages=_required("受理编号"),
    )
    check_code = forms.CharField(
        label="查询码",
        max_length=16,
        help_text="与受理编号一同显示的8位查询码。",
        error_messages=_required("查询码"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()

    def clean_check_code(self):
        code = self.cleaned_data["check_code"].strip().upper()
        # Codes are ASCII letters and digits; anything else made the constant-time comparison
        # raise TypeError, a 500 (found by tests/security/test_fuzz.py).
        if not CHECK_CODE.fullmatch(code):
            raise ValidationError("查询码由字母和数字组成，请核对后重新输入。", code="invalid")
        return code
