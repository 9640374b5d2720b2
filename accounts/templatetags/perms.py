"""Templates ask the permission rule, never a role:
`{% can "change" object as may_change %}` or, for a model,
`{% can "add" "organizations.socialorganization" as may_add %}`."""

from __future__ import annotations

from django import template
from django.apps import apps

from accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, target) -> bool:
    if isinstance(target, str):
        target = apps.get_model(target)
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return permissions.can(user, action, target)
