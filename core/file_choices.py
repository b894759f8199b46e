"""Admin forms refuse an image or document the user may not choose.

The choosers list only what a user may choose (core/file_collections.py), but a form takes any
id it is sent: a forged POST of an activity form with `photos-0-image=<id>` (or
`files-0-document=<id>`, a page's cover image, a body block or a document link) would attach,
and with the record published publish, another station's internal photo or an unpublished
normative document's file. `FileChoiceFormMixin` (the base of the register and page admin forms)
narrows every image and document field, of the form and of its inline child forms, to what the
user may choose plus what the record holds already (a file chosen earlier by someone else stays
valid), refuses anything else with a Chinese message, and never renders a refused file's preview;
StreamField and rich text values are checked the same way on their references.
"""

import copy

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.widgets import BaseChooser
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField

from .file_collections import choosable

NOT_YOURS = {
    "image": "您无权使用所选的图片（它属于其他工作站或尚未公开的内容）。请从图片库中重新选择。",
    "document": "您无权使用所选的文件（它属于其他工作站或尚未公开的内容）。请从文件库中重新选择。",
}


def _file_models():
    from wagtail.images import get_image_model

    return {get_image_model(): "image", get_document_model(): "document"}


class ScopedChooserMixin:
    """A chooser widget that shows nothing (no title, no preview rendition) for a value outside
    `allowed`: a refused form is shown again without revealing the file it was sent."""

    allowed = None

    def get_instance(self, value):
        instance = super().get_instance(value)
        if (
            instance is not None
            and self.allowed is not None
            and not self.allowed.filter(pk=instance.pk).exists()
        ):
            return None
        return instance


_scoped_widget_classes = {}


def scoped_widget(widget, allowed):
    widget_class = type(widget)
    if widget_class not in _scoped_widget_classes:
        _scoped_widget_classes[widget_class] = type(
            f"Scoped{widget_class.__name__}", (ScopedChooserMixin, widget_class), {}
        )
    scoped = copy.copy(widget)
    scoped.__class__ = _scoped_widget_classes[widget_class]
    scoped.allowed = allowed
    return scoped


def _pks(value):
    if value is None or value == "":
        return set()
    if isinstance(value, (list, tuple, set)):
        return {getattr(item, "pk", item) for item in value}
    return {getattr(value, "pk", value)}


def scope_file_fields(form, user):
    """Narrow the image and document fields of `form` and of its child forms to what `user` may
    choose plus what the record holds."""
    models = _file_models()
    for name, field in form.fields.items():
        model = getattr(getattr(field, "queryset", None), "model", None)
        if model not in models:
            continue
        stored = _pks(form.initial.get(name))
        allowed = choosable(user, model) | model._default_manager.filter(pk__in=stored)
        field.queryset = allowed
        field.error_messages = {**field.error_messages, "invalid_choice": NOT_YOURS[models[model]]}
        if isinstance(field.widget, BaseChooser):
            field.widget = scoped_widget(field.widget, allowed)
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            scope_file_fields(child, user)


def refused_references(form, user):
    """The field names and messages of StreamField / rich text values in `form.cleaned_data`
    that refer to an image or document `user` may not choose and the record did not hold."""
    models = _file_models()
    model_fields = {field.name: field for field in form.instance._meta.get_fields()}
    errors = {}
    for name, value in form.cleaned_data.items():
        model_field = model_fields.get(name)
        if not isinstance(model_field, (StreamField, RichTextField)) or value is None:
            continue
        sent = _references(model_field, value, models)
        held = _references(model_field, getattr(form.instance, name, None), models)
        for model, kind in models.items():
            new = sent.get(model, set()) - held.get(model, set())
            if new and len(new) > choosable(user, model).filter(pk__in=new).count():
                errors[name] = NOT_YOURS[kind]
    return errors


def _references(model_field, value, models):
    found = {}
    if value is None or value == "":
        return found
    for model, object_id, _model_path, _content_path in model_field.extract_references(value):
        if model in models and str(object_id).isdecimal():
            found.setdefault(model, set()).add(int(object_id))
    return found


class FileChoiceFormMixin:
    """For WagtailAdminModelForm / WagtailAdminPageForm subclasses (they set `for_user`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self, "for_user", None) is not None:
            scope_file_fields(self, self.for_user)

    def clean(self):
        cleaned_data = super().clean()
        if getattr(self, "for_user", None) is not None:
            # Not on the field: a StreamField's widget shows block errors only.
            for message in dict.fromkeys(refused_references(self, self.for_user).values()):
                self.add_error(None, ValidationError(message))
        return cleaned_data


class AdminPageForm(FileChoiceFormMixin, WagtailAdminPageForm):
    """The base form of pages outside BasePage (HomePage); BasePage has core.models.BasePageForm."""


class AdminModelForm(FileChoiceFormMixin, WagtailAdminModelForm):
    """The base form of a register's snippet whose records hold images or documents."""
