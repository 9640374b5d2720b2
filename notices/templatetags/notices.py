"""The header's inbox link."""

from django import template

from notices import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context) -> int:
    """The user's unread notices (kept on the session for a minute: notices/inbox.py)."""
    request = context.get("request")
    return inbox.unread(request) if request is not None else 0
