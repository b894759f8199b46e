from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with its message in Chinese again. Django 5.2 reworded the error
    ("… at least %d characters.") and its zh_Hans catalog still has only the earlier wording
    ("… at least %(min_length)d characters."), so staff saw it in English. This asks the catalog
    for the earlier wording, which it translates (密码长度太短。密码必须包含至少 12 个字符。)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
