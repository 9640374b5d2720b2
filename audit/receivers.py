"""What the audit log hears without being called: Django's login signals,
the lock-out and the services' shared save step (accounts.signals), and the
admin's own change log.

Creates and updates of the domain's records go through `record_save`
(accounts/services.py), the write step the organisation and engagement
services share, which announces each save with the values before it; the
services that write their records themselves (ratings, ledgers, warnings,
imports) call `audit.recording` directly. Model signals on every model were
the alternative: they would also fire for test factories, seeds and the
tallies' own rows, and could not tell who acted without the request.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.signals import locked_out, record_saved

from .recording import Kind, Outcome, current_request, record, record_write

ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(user_logged_in, dispatch_uid="audit.login")
def logged_in(sender, request, user, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    record(kind=Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def logged_out(sender, request, user, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    if user is not None:
        record(kind=Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def login_failed(sender, credentials, request=None, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    # Django has already masked the password in `credentials`; only the name is kept.
    record(
        kind=Kind.LOGIN_FAILED,
        username=str(credentials.get("username") or ""),
        outcome=Outcome.FAILURE,
        request=request,
    )


@receiver(locked_out, dispatch_uid="audit.locked_out")
def login_locked(sender, request, username, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    record(kind=Kind.LOCKED_OUT, username=username, outcome=Outcome.REFUSED, request=request)


@receiver(record_saved, dispatch_uid="audit.record_saved")
def record_saved_(sender, actor, instance, before, fields, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    record_write(actor=actor, instance=instance, before=before, fields=fields)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin_change")
def admin_logged(sender, instance: LogEntry, created: bool, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    """Every change the admin logs. The admin logs a deletion of several
    selected records with one bulk insert, which sends no signal; the
    delete confirmation's single-record path and every add and change do."""
    if not created:
        return
    request = current_request()
    user = getattr(request, "user", None)
    record(
        kind=Kind.ADMIN_CHANGE,
        # The admin logs the request's own user; only outside a request is it looked up.
        user=user if user is not None and user.pk == instance.user_id else instance.user,
        target=(instance.content_type_id, instance.object_id or "", instance.object_repr),
        details={
            "action": ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
            "message": instance.get_change_message(),
        },
    )
