"""Writing the audit log: `record(...)` is the one place an entry is made.

One INSERT per event and nothing else: the request an entry belongs to (for
its address and user) is kept in a context variable by `AuditMiddleware`,
which costs no query, so code deep in a service or a signal receiver need not
be handed the request. Outside a request (a Celery worker, a shell) the
address is left empty.

The address is REMOTE_ADDR, as the lock-out reads it (accounts.lockout): the
project trusts no X-Forwarded-For; behind the reverse proxy it is the proxy's
job to set REMOTE_ADDR (gunicorn --forwarded-allow-ips).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models

from accounts.lockout import client_address

from .models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

Kind = AuditEntry.Kind
Outcome = AuditEntry.Outcome

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _user_of(request) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(
    *,
    kind: str,
    user: Any = None,
    username: str = "",
    obj: models.Model | None = None,
    target: tuple[int | None, str, str] | None = None,
    changes: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Write one entry. `user` defaults to the request's signed-in user;
    `username` (the name typed at a failed login) to the user's name. The
    record is `obj`, or `target` (content type id, record id, its name) for
    one that is not at hand."""
    request = request if request is not None else current_request()
    if user is None:
        user = _user_of(request)
    entry = AuditEntry(
        kind=kind,
        user_id=getattr(user, "pk", None),
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=client_address(request),
        changes=dict(changes or {}),
        details=dict(details or {}),
        outcome=outcome,
    )
    if obj is not None:
        # The cached content type: no query after the first per model and process.
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)[:64]
        entry.object_repr = str(obj)[:200]
    elif target is not None:
        entry.content_type_id, object_id, object_repr = target
        entry.object_id, entry.object_repr = str(object_id)[:64], str(object_repr)[:200]
    entry.save(force_insert=True)
    return entry


def field_values(instance: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The stored values of `instance`'s concrete fields (all, or those named),
    by field name: a related record by its key, so reading them costs no query."""
    wanted = None if names is None else set(names)
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if wanted is None or field.name in wanted or field.attname in wanted
    }


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value differs."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record_write(
    *, actor: Any, instance: models.Model, before: Mapping[str, Any] | None, fields: Iterable[str] | None = None
) -> AuditEntry:
    """A service's create (`before` None) or update: the fields it changed, before and after."""
    after = field_values(instance, fields if fields is not None else (before.keys() if before else None))
    if before is None:
        return record(
            kind=Kind.CREATE, user=actor, obj=instance, changes=changed({}, {k: v for k, v in after.items() if v})
        )
    return record(kind=Kind.UPDATE, user=actor, obj=instance, changes=changed(before, after))


class AuditMiddleware:
    """Keeps the request at hand for `record`, and records every refusal (403).

    A page that answers 200 costs nothing here: no query, no write. A 403,
    whether a view raised PermissionDenied (the reason is kept) or CSRF or the
    admin refused, is one INSERT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                record(
                    kind=Kind.PERMISSION_DENIED,
                    outcome=Outcome.REFUSED,
                    request=request,
                    details={
                        "method": request.method,
                        "path": request.path[:500],
                        "reason": getattr(request, "_audit_refusal", "")[:500],
                    },
                )
            return response
        finally:
            _current_request.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            request._audit_refusal = str(exception)
