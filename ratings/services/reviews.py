"""The city's review of many evaluations at once: approve them, or return
them all with one reason.

Each evaluation goes through the same service as a single one
(`evaluation_approve`, `evaluation_return`), so the transition table and the
rating rules are asked exactly as they are for one; the batch is one
transaction, and one refusal refuses it all: a half-approved selection would
leave the reviewer to work out which rows moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import OUT_OF_SCOPE, require
from ratings.models import Evaluation
from ratings.workflow import BULK_ACTIONS, Action

from .evaluations import evaluation_approve, evaluation_return

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from accounts.models import User

# A page of the list at most (ui.pagination.PAGE_SIZES): a batch stays one short transaction.
MAX_BATCH = 100

_REFUSED: dict[str, Promise] = {
    Action.APPROVE: gettext_lazy(
        "Nothing was changed: %(count)s of the selected evaluations cannot be approved. %(problems)s"
    ),
    Action.RETURN: gettext_lazy(
        "Nothing was changed: %(count)s of the selected evaluations cannot be returned. %(problems)s"
    ),
}


@transaction.atomic
def evaluation_bulk_review(
    *, actor: User, evaluations: Iterable[Evaluation], action: str, reason: str = ""
) -> list[Evaluation]:
    """Approve or return every evaluation given, or none of them.

    Refuses with PermissionDenied when one of them lies outside the actor's
    scope or the actor's role may never take the action, and with a
    ValidationError naming every evaluation that cannot take it (wrong state,
    closed round, below one star…) otherwise; in both cases nothing is written.
    """
    if action not in BULK_ACTIONS:
        raise ValueError(f"Not a bulk review action: {action!r}")
    ids = sorted({evaluation.pk for evaluation in evaluations})
    if not ids:
        raise ValidationError(_("Select at least one evaluation."))
    if len(ids) > MAX_BATCH:
        raise ValidationError(_("Select at most %(max)s evaluations at a time.") % {"max": MAX_BATCH})
    reason = (reason or "").strip()
    if action == Action.RETURN and not reason:
        raise ValidationError({"reason": _("Say why the evaluation is returned.")})
    # Scope before role, as the pages answer: a record one may not see is not
    # discussed. Locked in key order, so two overlapping batches cannot deadlock.
    rows = list(
        Evaluation.objects.for_user(actor)
        .select_for_update(of=("self",))
        .select_related("party_organization")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise PermissionDenied(OUT_OF_SCOPE)
    require(actor, action, Evaluation)

    done: list[Evaluation] = []
    problems: list[str] = []
    for evaluation in rows:
        try:
            # A savepoint each: a refused one is undone alone, so that every
            # refusal can be named; the whole batch is undone below.
            if action == Action.APPROVE:
                done.append(evaluation_approve(actor=actor, evaluation=evaluation))
            else:
                done.append(evaluation_return(actor=actor, evaluation=evaluation, reason=reason))
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            problems.append(
                _("%(name)s: %(reason)s") % {"name": evaluation.party_organization.name, "reason": " ".join(messages)}
            )
    if problems:
        # Raising out of the atomic block rolls back the ones that went through.
        raise ValidationError(_REFUSED[action] % {"count": len(problems), "problems": " ".join(problems)})
    return done
