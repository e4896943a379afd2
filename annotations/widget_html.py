"""The claim form's widgets rendered in Python, to the markup of Django's own widget templates.

Django renders each widget through a template, and each <option> of a select
through another one. The claim form has 16 widgets, five of them selects with
34 options between them: rendering them took 3.8 ms of CPU per page, a third
of the annotation page with 50 claims (bench/settings.py, in-process). Here
the same markup costs a few hundredths of that.

Only the templates below are rendered here, and only as Django 5.2 ships them
(tests/test_forms.py compares both renderers); a widget with any other
template, and anything else the renderer is asked for, goes to Django's.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape as _e

_WIDGETS = "django/forms/widgets/"
_OPTION = _WIDGETS + "select_option.html"


def _value(value) -> str:
    """{{ value|stringformat:'s' }}: escaped unless already safe."""
    return _e(value) if hasattr(value, "__html__") else _e(str(value))


def _attrs(attrs: dict) -> str:
    """attrs.html: True as a bare attribute name, False left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {_e(name)}")
        elif value is not False:
            parts.append(f' {_e(name)}="{_value(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_value(widget["value"])}"'
    return f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _e(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_e(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(f'\n  <option value="{_value(option["value"])}"{_attrs(option["attrs"])}>{_e(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


RENDERED = {
    _WIDGETS + "input.html": _input,
    _WIDGETS + "hidden.html": _input,
    _WIDGETS + "text.html": _input,
    _WIDGETS + "textarea.html": _textarea,
    _WIDGETS + "select.html": _select,
}


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, except for the widget templates in RENDERED."""

    def render(self, template_name, context, request=None):
        render = RENDERED.get(template_name)
        if render is not None and "widget" in context:
            html = render(context["widget"])
            if html is not None:
                return html.strip()  # as BaseRenderer.render
        return super().render(template_name, context, request)


# One instance, as Django keeps its default renderer: it holds the template engine.
widget_renderer = WidgetRenderer()
