"""{% kept_part "name" %} … {% endkept_part %}: a part of the layout (the head,
the menu, the content) that a page may keep between requests (ui/fragments.py).

The view puts in the context either `kept_parts` (every part as rendered
before: printed as it is, nothing inside is rendered) or `kept_key` (where
to keep what is rendered now). With neither, the part renders as usual."""

from django import template
from django.utils.safestring import mark_safe

from ui import fragments

register = template.Library()


class KeptPartNode(template.Node):
    def __init__(self, name: str, nodelist) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        kept = context.get("kept_parts")
        if kept is not None:
            return mark_safe(kept[self.name])  # noqa: S308 (HTML this node rendered and escaped before)
        html = self.nodelist.render(context)
        fragments.put(context.get("kept_key"), self.name, html)
        return html


@register.tag
def kept_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept_part "name" %} takes the part\'s name in quotes')
    name = bits[1][1:-1]
    if name not in fragments.PARTS:
        raise template.TemplateSyntaxError(f"kept_part: {name!r} is not one of {fragments.PARTS}")
    nodelist = parser.parse(("endkept_part",))
    parser.delete_first_token()
    return KeptPartNode(name, nodelist)
