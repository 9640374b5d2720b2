"""The two faster renderers produce what Django and django-tables2 would.

`{% table_rows %}` (ui/templatetags/table_rows.py) must give every table the
rows django-tables2's own template gives it, and ui.form_renderer.Renderer
every <select> Django's own widget templates give it. Both are compared on
every table and every form field of every argument-less page, for three
roles, over the demo data (so every list has rows), with whitespace between
tags set aside (the templates' indentation is not part of the page)."""

from __future__ import annotations

import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django_tables2 import Table

from conftest import demo_seeded_once
from ui.form_renderer import Renderer
from ui.templatetags.table_rows import table_rows

from .pages import argumentless_pages

pytestmark = pytest.mark.django_db

# django-tables2 3.0's row loop, as its templates/django_tables2/table.html writes it.
DJANGO_TABLES2_ROWS = Template(
    "{% load l10n %}{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>"
    "{% if column.localize == None %}{{ cell }}{% else %}{% if column.localize %}{{ cell|localize }}"
    "{% else %}{{ cell|unlocalize }}{% endif %}{% endif %}</td>{% endfor %}</tr>{% endfor %}"
)


def _normalised(html: str) -> str:
    html = re.sub(r">\s+<", "><", str(html).strip())
    return html.replace("<td >", "<td>").replace("<tr >", "<tr>")


def _values(context) -> list:
    """Every value of every template context the response rendered."""
    return [value for layer in context for value in layer.flatten().values()]


def _tables(context) -> list[Table]:
    found = []
    for value in _values(context):
        if isinstance(value, Table) and value not in found:
            found.append(value)
    return found


def _forms(context) -> list:
    found = []
    for value in _values(context):
        form = getattr(value, "form", value)  # a django-filter FilterSet carries its form
        if hasattr(form, "visible_fields") and form not in found:
            found.append(form)
    return found


# Seeded once for the module's three users, rolled back after it (not
# committed and flushed: a flush would take the migrations' rows with it).
demo = demo_seeded_once("--demo-users")


@pytest.mark.parametrize("username", ["staff", "beilin", "lawyers"])
def test_tables_and_selects_render_as_the_stock_templates_do(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    rows_compared = selects_compared = 0
    for path in argumentless_pages():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or response.context is None:
            continue
        for table in _tables(response.context):
            table._counter = itertools.count()  # both renderings number the rows (even/odd) from 0
            ours = table_rows(Context({}), table)
            table._counter = itertools.count()
            stock = DJANGO_TABLES2_ROWS.render(Context({"table": table}))
            assert _normalised(ours) == _normalised(stock), (path, type(table).__name__)
            rows_compared += ours.count("<tr")
        for form in _forms(response.context):
            for field in form.visible_fields():
                if field.field.widget.template_name != "django/forms/widgets/select.html":
                    continue
                form.renderer = Renderer()
                ours = str(field)
                form.renderer = DjangoTemplates()
                stock = str(field)
                assert ours == stock, (path, field.name)
                selects_compared += 1
    # The demo fills the lists and the filters offer selects: the comparison is not of empty tables.
    assert rows_compared >= 200
    assert selects_compared >= 20
