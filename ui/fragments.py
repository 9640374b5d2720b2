"""A page's own parts, rendered once and served again until the data changes
(ui/data_version.py) or the day does.

A page's view opts in with ui.views.KeptPageMixin: before any query of its
own it asks `get(key_for(request, name))`; when every part is kept it
answers with them and reads nothing else. Otherwise it renders as usual and
the layout (templates/base.html) keeps its head (with the page's title),
its menu and the page's content through `{% kept_part %}`
(ui/templatetags/fragments.py).

What the parts are keyed on, and why each:
- the data version token: any committed change of data (one read per request);
- the user's pk: the parts show the user's scope, name and what their role
  may open; a change of any of these is itself a change of data;
- the language, today's date (the clock's: "as of" and half-years move with
  it) and the full path with its query (filters, sort, page, half-year).

The layout around the parts (the header's unread count, the messages, the
language switch and the logout form) is rendered afresh on every request. A
form inside a kept part gets the request's own CSRF token each time.

Kept in each process's memory (the "fragments" cache): the key carries the
token read from the database, so two processes can never disagree about
which parts are current; a part lives at most DJANGO_FRAGMENTS_TIMEOUT
seconds, the safety net under a change made outside Django (psql by hand).
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from xian_partybuild import clock

from . import data_version

CACHE = "fragments"
# The layout's parts kept as rendered (templates/base.html): the head with the
# page's title, the menu (what the user's role may open) and the page's content.
PARTS = ("head", "nav", "content")
# A form's CSRF token as {% csrf_token %} writes it: kept parts hold it in this
# form only, and each answer from them carries the request's own token.
_FORM_TOKEN = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]+)(">)')


def key_for(request, name: str) -> str | None:
    """The key of `name`'s parts for this request, or None when they must be rendered
    (not a plain GET by a signed-in user, or inside a transaction with uncommitted writes)."""
    user = getattr(request, "user", None)
    if request.method != "GET" or user is None or not user.is_authenticated:
        return None
    if data_version.has_uncommitted_writes():
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return ":".join(
        ("page", name, data_version.current(), str(user.pk), get_language() or "", clock.today().isoformat(), path)
    )


def get(key: str | None, request) -> dict[str, str] | None:
    """Every part kept under `key`, with this request's CSRF token in its forms,
    or None unless all of them are kept."""
    if not key:
        return None
    kept = caches[CACHE].get_many([f"{key}:{part}" for part in PARTS])
    if len(kept) != len(PARTS):
        return None
    parts = {part: kept[f"{key}:{part}"] for part in PARTS}
    if any(_FORM_TOKEN.search(html) for html in parts.values()):
        # The token of the browser that rendered the parts would be refused for
        # any other, and a token repeated across answers is what masking avoids.
        token = get_token(request)
        parts = {part: _FORM_TOKEN.sub(lambda m: m.group(1) + token + m.group(3), html) for part, html in parts.items()}
    return parts


def get_response(key: str | None) -> tuple[str, bytes] | None:
    """The content type and body of a whole answer kept under `key` (a chart's JSON)."""
    return caches[CACHE].get(f"{key}:response") if key else None


def put_response(key: str | None, response) -> None:
    """Keeps a whole answer that is not a page (a chart's JSON): a plain 200
    that sets no cookie, rendered from committed data only."""
    if (
        not key
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Content-Disposition")
        or data_version.has_uncommitted_writes()
    ):
        return
    caches[CACHE].set(f"{key}:response", (response["Content-Type"], response.content))


def put(key: str | None, part: str, html: str) -> None:
    """Keeps one part under `key`, unless it was rendered from writes not yet
    committed, or holds a form token anywhere but in a form's hidden input
    (where `get` could not give each answer its own)."""
    if not key or data_version.has_uncommitted_writes():
        return
    tokens = {m.group(2) for m in _FORM_TOKEN.finditer(html)}
    if sum(html.count(token) for token in tokens) != len(_FORM_TOKEN.findall(html)):
        return
    caches[CACHE].set(f"{key}:{part}", html)
