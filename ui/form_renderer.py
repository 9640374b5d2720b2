"""The project's form renderer: Django's own, with `<select>` built in Python.

Django renders a `<select>` through a template that includes one template per
option, and each option includes the attributes template: a district filter
with 20 districts is 40 template includes, and a list page's filter form has
several such selects, about a fifth of the page's time. `<select>` markup is
fixed by HTML, so the renderer builds it directly, character for character
what Django's templates `django/forms/widgets/select.html` and
`select_option.html` produce (ui/tests/test_fast_rendering.py compares the two
on every select of every filter and form). A widget that brings a template of
its own, for itself or its options, is rendered by its template as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(_as_string(value))}"')
    return "".join(parts)


def _as_string(value):
    """The `stringformat:'s'` filter: `"%s" % value`, still safe when the value was."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting, tuples included)
    return mark_safe(text) if hasattr(value, "__html__") else text  # noqa: S308 (it was safe already)


def _text(value) -> str:
    """`{{ value }}`: localised (a number as the language writes it), then escaped."""
    return conditional_escape(localize(value))


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(_as_string(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append("\n  ")
            parts.append(_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's final newline
    return "".join(parts)


def _plain(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION for _name, options, _index in widget["optgroups"] for option in options
    )


class Renderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and _plain(context["widget"]):
            return mark_safe(render_select(context["widget"]))  # noqa: S308 (every value escaped above)
        return super().render(template_name, context, request)
