"""Templates ask the permission rule, never a role:
`{% can "change" object as may_change %}` or, for a model,
`{% can "add" "organizations.socialorganization" as may_add %}`; before
a table that asks about every row, `{% check_rows "change" rows %}` answers
them all in one query."""

from __future__ import annotations

from django import template
from django.apps import apps

from accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, target) -> bool:
    if isinstance(target, str):
        target = apps.get_model(target)
    return permissions.can(_user(context), action, target)


def _user(context):
    request = context.get("request")
    return context.get("user") or getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def check_rows(context, action: str, rows) -> str:
    permissions.check_rows(_user(context), action, list(rows))
    return ""
