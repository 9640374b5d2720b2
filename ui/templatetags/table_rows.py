"""A django-tables2 table's rows, rendered in Python: `{% table_rows table %}`.

django-tables2's own template renders every cell through template nodes and
rebuilds each column's attributes for every cell (`column.attrs.td.as_html`
merges the table's and the column's attrs and computes the class names,
250 times for a page of 25 rows and 10 columns). At the page sizes the lists
offer that was most of a list page's time. This renders the same markup:
the same row attributes (`row_attrs`, even/odd), the same cell values
(django-tables2's own `BoundRow` rendering, so every column's `render_*`,
links and defaults are its own; ui/tests/test_fast_rendering.py compares
the result with its template on every table, and would catch a new
django-tables2 that renders otherwise), localised and escaped as `{{ cell }}` would be, and
the same `<td>` attributes. A column's `<td>` attributes are built once per
table when they do not depend on the record (no callable among them), and
per cell as django-tables2 does when they do.
"""

from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _depends_on_record(bound_column) -> bool:
    """Whether the column's <td> attributes are computed from the record or value."""
    attrs = {**bound_column._table.attrs, **bound_column.column.attrs}
    td = attrs.get("td", attrs.get("cell", {}))
    return _has_callable(td)


def _has_callable(value) -> bool:
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(_has_callable(item) for item in value.values())
    return False


def _td_attrs(bound_column) -> str:
    html = bound_column.attrs["td"].as_html()
    return f"<td {html}>" if html else "<td>"


def _fixed_td(bound_column) -> str | None:
    """The column's <td ...> when it is the same for every row, else None."""
    return None if _depends_on_record(bound_column) else _td_attrs(bound_column)


def _cell_formatter(bound_column, context):
    """`{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}`, as the column asks."""
    if bound_column.localize is None:
        return lambda cell: render_value_in_context(cell, context)
    use_l10n = bool(bound_column.localize)
    return lambda cell: conditional_escape(localize(cell, use_l10n=use_l10n))


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> SafeString:
    # What does not change from row to row is looked up once: the visible
    # columns (django-tables2 finds each cell's column by name in a scan of
    # all columns, per cell), their defaults, localisation and fixed <td>.
    columns = [
        (column, column.default, _fixed_td(column), _cell_formatter(column, context)) for column in table.columns
    ]
    plain_rows = not table.row_attrs
    parts: list[str] = []
    for row in table.paginated_rows:
        if plain_rows:
            parts.append(f'<tr class="{row.get_even_odd_css_class()}">')
        else:
            parts.append(f"<tr {row.attrs.as_html()}>")
        for column, default, fixed_td, formatted in columns:
            # BoundRow.items() and get_cell(), without the lookup by name:
            # the value as the column renders it, and the record and value
            # set on the column for attrs computed from them.
            cell = row._get_and_render_with(column, render_func=row._call_render, default=default)
            column.current_value = cell
            column.current_record = row.record
            parts.append(fixed_td or _td_attrs(column))
            parts.append(formatted(cell))
            parts.append("</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 (every value is escaped above; attrs by AttributeDict.as_html)
