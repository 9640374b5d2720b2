"""Evaluations: scores (with the history of each change) and the moves of the
workflow, from submission to the province's result.

The moves ask workflow.py's transition table whether this role may make
them from this state; the rating rules (an open round, a ratable party
organisation, five stars only after the city's approval at four) are here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, require, restrict
from accounts.permissions import Action as Perm
from audit import recording as audit
from notices import announce
from organizations.models import PartyOrganization, SocialOrganization
from ratings import workflow
from ratings.models import CITY_MAX_STARS, MAX_STARS, Evaluation, EvaluationEvent, Round, RoundItem, Score
from ratings.workflow import Action
from xian_partybuild import clock

from .standard import stars_for

if TYPE_CHECKING:
    from accounts.models import User

Event = EvaluationEvent.Action


def _require_open(round_: Round) -> None:
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("The %(year)s round is closed; it accepts no changes.") % {"year": round_.year})


def ratable_problem(party_organization: PartyOrganization) -> str | None:
    """Why this party organisation cannot be rated, or None."""
    if party_organization.status != PartyOrganization.Status.ACTIVE:
        return _("%(name)s is dissolved and cannot be rated.") % {"name": party_organization.name}
    covers_active = party_organization.organizations.filter(status=SocialOrganization.Status.ACTIVE).exists()
    if not covers_active:
        return _("Every organisation that %(name)s covers is deregistered (or it covers none); it cannot be rated.") % {
            "name": party_organization.name
        }
    return None


def _require_ratable(party_organization: PartyOrganization) -> None:
    problem = ratable_problem(party_organization)
    if problem:
        raise ValidationError(problem)


def _locked(actor: User, evaluation: Evaluation) -> Evaluation:
    """The evaluation re-read under a row lock, if the actor may see it.

    Re-reading means a decision is taken on the state as it is now, not as
    it was when the page was rendered.
    """
    locked = (
        restrict(Evaluation.objects.all(), actor)
        .select_for_update(of=("self",))
        .select_related("round", "party_organization")
        .filter(pk=evaluation.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    return locked


def _record(
    evaluation: Evaluation,
    actor: User | None,
    action: str,
    from_state: str,
    *,
    note: str = "",
    changes: dict | None = None,
) -> EvaluationEvent:
    audit.record(
        kind=audit.Kind.CREATE if action == Event.CREATED else audit.Kind.UPDATE,
        user=actor,
        obj=evaluation,
        changes={
            **(changes or {}),
            **({"state": [from_state, evaluation.state]} if from_state != evaluation.state else {}),
        },
        details={"action": action, **({"note": str(note)} if note else {})},
    )
    return EvaluationEvent.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=evaluation.state,
        total=evaluation.total,
        stars=evaluation.stars,
        note=note,
        changes=changes or {},
    )


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _clean_points(items: list[RoundItem], points: Mapping[str, Any]) -> dict[str, int]:
    """Whole numbers within each item's range, for every item; errors keyed by item code."""
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for item in items:
        value = points.get(item.code)
        if value is None or value == "":
            errors[item.code] = _("Give a score for every item.")
            continue
        number = _whole_number(value)
        if number is None or not 0 <= number <= item.max_points:
            errors[item.code] = _("Enter a whole number from 0 to %(max)s.") % {"max": item.max_points}
            continue
        cleaned[item.code] = number
    unknown = set(points) - {item.code for item in items}
    if unknown:
        errors["__all__"] = _("Unknown items: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def evaluation_score(
    *,
    actor: User,
    round_: Round,
    party_organization: PartyOrganization,
    points: Mapping[str, Any],
    evidence: str | None = None,
) -> tuple[Evaluation, bool]:
    """Create the round's evaluation of a party organisation or change its scores.

    Returns the evaluation and whether anything changed (an unchanged row of
    the entry table writes nothing, not even a history entry).
    """
    require(actor, Action.EDIT, Evaluation)
    require(actor, Perm.VIEW, party_organization)
    round_ = Round.objects.get(pk=round_.pk)
    existing = (
        Evaluation.objects.select_for_update(of=("self",))
        .filter(round=round_, party_organization=party_organization)
        .first()
    )
    if existing is not None:
        workflow.authorize(actor, Action.EDIT, existing.state)
    _require_open(round_)
    _require_ratable(party_organization)

    items = list(round_.items.all())
    cleaned = _clean_points(items, points)
    total = sum(cleaned.values())
    stars = stars_for(total, round_.thresholds.values_list("stars", "min_total"))

    if existing is None:
        evaluation = Evaluation(
            round=round_,
            party_organization=party_organization,
            total=total,
            stars=stars,
            evidence=evidence or "",
        )
        try:
            # A savepoint, so that losing a race with another user's first
            # save becomes a message instead of a broken transaction.
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            raise ValidationError(
                _("%(name)s already has an evaluation in the %(year)s round.")
                % {"name": party_organization.name, "year": round_.year}
            ) from None
        Score.objects.bulk_create(
            [
                Score(evaluation=evaluation, item=item, points=cleaned[item.code], max_points=item.max_points)
                for item in items
            ]
        )
        _record(evaluation, actor, Event.CREATED, "", changes={code: [None, p] for code, p in cleaned.items()})
        return evaluation, True

    evaluation = existing
    scores = {score.item_id: score for score in evaluation.scores.all()}
    changes: dict[str, list[int | None]] = {}
    to_update, to_create = [], []
    for item in items:
        new = cleaned[item.code]
        score = scores.get(item.pk)
        if score is None:
            to_create.append(Score(evaluation=evaluation, item=item, points=new, max_points=item.max_points))
            changes[item.code] = [None, new]
        elif score.points != new:
            changes[item.code] = [score.points, new]
            score.points = new
            to_update.append(score)
    evidence_changed = evidence is not None and evidence != evaluation.evidence
    if not changes and not evidence_changed:
        return evaluation, False
    Score.objects.bulk_update(to_update, ["points"])
    Score.objects.bulk_create(to_create)
    evaluation.total, evaluation.stars = total, stars
    if evidence is not None:
        evaluation.evidence = evidence
    evaluation.save(update_fields=["total", "stars", "evidence", "updated_at"])
    note = _("Evidence notes changed.") if evidence_changed else ""
    _record(evaluation, actor, Event.SCORED, evaluation.state, changes=changes, note=note)
    return evaluation, True


def _transition(actor: User, evaluation: Evaluation, action: str) -> tuple[Evaluation, str]:
    """Lock, check scope, role and state (the table), and the round; return the evaluation and its old state."""
    evaluation = _locked(actor, evaluation)
    transition = workflow.authorize(actor, action, evaluation.state)
    _require_open(evaluation.round)
    from_state = evaluation.state
    evaluation.state = transition.target
    return evaluation, from_state


@transaction.atomic
def evaluation_submit(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """A district or industry committee recommends (or the city enters) an evaluation."""
    evaluation, from_state = _transition(actor, evaluation, Action.SUBMIT)
    _require_ratable(evaluation.party_organization)
    if not evaluation.scores.exists():
        raise ValidationError(_("Enter the scores before submitting."))
    evaluation.save(update_fields=["state", "updated_at"])
    _record(evaluation, actor, Event.SUBMITTED, from_state)
    return evaluation


@transaction.atomic
def evaluation_return(*, actor: User, evaluation: Evaluation, reason: str) -> Evaluation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the evaluation is returned.")})
    evaluation, from_state = _transition(actor, evaluation, Action.RETURN)
    evaluation.return_reason = reason
    evaluation.save(update_fields=["state", "return_reason", "updated_at"])
    announce.evaluation_reviewed(evaluation, _record(evaluation, actor, Event.RETURNED, from_state, note=reason))
    return evaluation


@transaction.atomic
def evaluation_approve(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """The city decides: one to four stars are final; four means named by the city."""
    evaluation, from_state = _transition(actor, evaluation, Action.APPROVE)
    _require_ratable(evaluation.party_organization)
    if evaluation.stars < 1:
        raise ValidationError(_("The total is below the one-star threshold; return the evaluation instead."))
    # A five-star score is approved at four: the fifth star is the province's.
    evaluation.final_stars = min(evaluation.stars, CITY_MAX_STARS)
    evaluation.save(update_fields=["state", "final_stars", "updated_at"])
    announce.evaluation_reviewed(evaluation, _record(evaluation, actor, Event.APPROVED, from_state))
    return evaluation


def _not_in_future(on: dt.date, field: str) -> None:
    if on > clock.today():
        raise ValidationError({field: _("This date cannot be in the future.")})


@transaction.atomic
def evaluation_send_to_province(*, actor: User, evaluation: Evaluation, on: dt.date | None = None) -> Evaluation:
    on = on or clock.today()
    _not_in_future(on, "on")
    evaluation, from_state = _transition(actor, evaluation, Action.SEND_TO_PROVINCE)
    if (evaluation.final_stars or 0) < CITY_MAX_STARS:
        raise ValidationError(
            _(
                "Five stars cannot be sent to the province without the city's approval at four stars or more; "
                "the city approved %(stars)s."
            )
            % {"stars": evaluation.final_stars}
        )
    if evaluation.stars < MAX_STARS:
        raise ValidationError(
            _("The total of %(total)s reaches %(stars)s stars; only a five-star score goes to the province.")
            % {"total": evaluation.total, "stars": evaluation.stars}
        )
    evaluation.province_sent_on = on
    evaluation.save(update_fields=["state", "province_sent_on", "updated_at"])
    _record(evaluation, actor, Event.SENT, from_state)
    return evaluation


@transaction.atomic
def evaluation_certify(
    *, actor: User, evaluation: Evaluation, certified: bool, on: dt.date | None = None, note: str = ""
) -> Evaluation:
    """Record the province's result: five stars, or four stars stand."""
    on = on or clock.today()
    _not_in_future(on, "on")
    action = Action.CERTIFY if certified else Action.NOT_CERTIFY
    evaluation, from_state = _transition(actor, evaluation, action)
    if evaluation.province_sent_on and on < evaluation.province_sent_on:
        raise ValidationError({"on": _("The result cannot precede the date it was sent to the province.")})
    evaluation.province_result_on = on
    evaluation.province_note = (note or "").strip()
    if certified:
        evaluation.final_stars = MAX_STARS
    evaluation.save(update_fields=["state", "final_stars", "province_result_on", "province_note", "updated_at"])
    _record(
        evaluation,
        actor,
        Event.CERTIFIED if certified else Event.NOT_CERTIFIED,
        from_state,
        note=evaluation.province_note,
    )
    return evaluation
