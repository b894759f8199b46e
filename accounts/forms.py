from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or (where `recovery` is allowed) one of the
    ten recovery codes."""

    code = forms.CharField(
        label="动态验证码",
        max_length=32,
        strip=True,
        help_text="打开手机上的身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、"
        "FreeOTP），输入本站对应的 6 位数字。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "请输入动态验证码。"},
    )
