"""Remembers the signatures django-tables2 inspects for every cell.

django-tables2 calls each column's `render` (and every callable attribute)
with only the arguments it declares, and finds them with
`inspect.signature` on every call: 250 inspections for a page of 25 rows
and 10 columns, about a fifth of a list page's rendering. A function's
signature does not change while the process runs, so `install()` replaces
`django_tables2.utils.signature` with a version that remembers it per
function, and per function-behind-a-bound-method (the method's signature
is the function's without `self`, the same for every instance, so a table's
per-request copies share one entry). Anything else (a partial, an object
with `__call__`) is inspected as before, so nothing new is kept per object.
"""

from __future__ import annotations

import inspect

from django_tables2 import utils

_original = utils.signature
_remembered: dict[tuple[object, bool], tuple[tuple[str, ...], str | None]] = {}


def signature(fn):
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        key = (fn.__func__, True)
    elif inspect.isfunction(fn):
        key = (fn, False)
    else:
        return _original(fn)
    try:
        return _remembered[key]
    except KeyError:
        found = _remembered[key] = _original(fn)
        return found


def install() -> None:
    utils.signature = signature
