"""How forms render on the pages: every field as a labelled group with its
help text and its errors right under it, tied to the input by
aria-describedby, and aria-invalid on a field that has errors.

Page forms inherit PageForm (or set `default_renderer = FormRenderer`); the
admin keeps Django's rendering."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class PageForm(forms.Form):
    default_renderer = FormRenderer


def with_page_renderer(form_class: type[Any]) -> type[Any]:
    """A subclass of a form made elsewhere (Django's password change form) rendered like the pages' own."""
    return type(form_class.__name__, (form_class,), {"default_renderer": FormRenderer})
