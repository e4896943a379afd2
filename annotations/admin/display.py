"""How the admin shows Arabic and Persian text and evidence: direction from the content, links clickable."""

from __future__ import annotations

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext

# Widgets whose text is typed by people in any language; URLs, numbers and e-mails stay left to right.
TEXT_WIDGETS = (forms.Textarea, forms.TextInput)
NOT_PROSE = (forms.URLInput, forms.EmailInput, forms.NumberInput, admin_widgets.AdminURLFieldWidget)


def auto_direction(field: forms.Field | None) -> forms.Field | None:
    """Give a text field's widget dir="auto", so a note in Arabic or Persian reads right to left."""
    widget = getattr(field, "widget", None)
    if isinstance(widget, TEXT_WIDGETS) and not isinstance(widget, NOT_PROSE):
        widget.attrs.setdefault("dir", "auto")
    return field


class AutoDirectionAdmin:
    """ModelAdmin mixin: every text widget of the admin's forms (and inlines) gets dir="auto"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return auto_direction(super().formfield_for_dbfield(db_field, request, **kwargs))


def label_columns(form) -> None:
    """A tabular inline's inputs sit under column headings, not <label>s: give each its field's name
    as aria-label (screen readers, axe-core's "label" rule). Call from the formset's add_fields."""
    for name, field in form.fields.items():
        label = gettext("Delete") if name == "DELETE" else capfirst(str(field.label or name))
        field.widget.attrs.setdefault("aria-label", label)


class AutoDirectionForm:
    """Form mixin for fields a form declares itself (the model admin's hook does not see them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            auto_direction(field)


def evidence_links(urls) -> str:
    """Evidence URLs as links that open apart from the admin, without giving it to the target page."""
    # Only web links become links: whatever else a restored row may hold is shown as text.
    links = [url for url in urls or () if isinstance(url, str)]
    if not links:
        return "—"
    return format_html(
        '<ul class="evidence">{}</ul>',
        format_html_join("", "<li>{}</li>", ((_link(url),) for url in links)),
    )


def _link(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        return format_html('<span dir="ltr">{}</span>', url)
    return format_html('<a href="{}" target="_blank" rel="noopener noreferrer" dir="ltr">{}</a>', url, url)
