"""Instructor and liaison assignments (党建指导员/联络员), which carry work
coverage: assign one person to one organisation or to many at once, end an
assignment, hand it over to someone else.

Each assignment is saved through record_save (validated, scope re-checked,
announced for the audit log), so the stored coverage and the dashboard's
tallies follow by the same signals as every other write; the change lists
read the assignments' dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require
from accounts.services import record_save
from xian_partybuild import clock

from ..models import InstructorAssignment, SocialOrganization

if TYPE_CHECKING:
    from accounts.models import User

# One press assigns at most this many organisations: a filtered list beyond it is narrowed first.
MAX_AT_ONCE = 200


@dataclass(frozen=True, kw_only=True)
class Person:
    """Who is assigned."""

    name: str
    role: str = InstructorAssignment.Role.INSTRUCTOR
    phone: str = ""


def _not_in_future(on: dt.date, field: str) -> None:
    if on > clock.today():
        raise ValidationError({field: _("This date lies in the future.")})


@transaction.atomic
def instructors_assign(
    *, actor: User, organizations: Iterable[SocialOrganization], person: Person, started_on: dt.date
) -> list[InstructorAssignment]:
    """Assign `person` to each organisation from `started_on`. All or nothing:
    an organisation outside the actor's scope, or one the person already
    serves, refuses the whole press with the organisations named."""
    require(actor, Action.ADD, InstructorAssignment)
    chosen = list({org.pk: org for org in organizations}.values())
    if not chosen:
        raise ValidationError(_("Choose at least one organisation."), code="empty")
    if len(chosen) > MAX_AT_ONCE:
        raise ValidationError(
            _("Assign at most %(limit)s organisations at once; narrow the list first.") % {"limit": MAX_AT_ONCE},
            code="too_many",
        )
    _not_in_future(started_on, "started_on")
    in_scope = set(
        SocialOrganization.objects.for_user(actor).filter(pk__in=[o.pk for o in chosen]).values_list("pk", flat=True)
    )
    outside = [org for org in chosen if org.pk not in in_scope]
    if outside:
        raise ValidationError(
            _("Outside your area of responsibility: %(names)s.") % {"names": "、".join(o.name for o in outside)},
            code="scope",
        )
    serving = set(
        InstructorAssignment.objects.current()
        .filter(organization__in=chosen, person_name=person.name, phone=person.phone)
        .values_list("organization_id", flat=True)
    )
    if serving:
        names = "、".join(org.name for org in chosen if org.pk in serving)
        raise ValidationError(
            _("%(person)s already serves %(names)s.") % {"person": person.name, "names": names}, code="duplicate"
        )
    values = {"person_name": person.name, "role": person.role, "phone": person.phone, "started_on": started_on}
    return [record_save(actor=actor, instance=InstructorAssignment(organization=org), values=values) for org in chosen]


@transaction.atomic
def assignment_end(*, actor: User, assignment: InstructorAssignment, on: dt.date) -> InstructorAssignment:
    """The person stops serving the organisation after `on` (the last day served)."""
    require(actor, Action.CHANGE, assignment)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."), code="ended")
    _not_in_future(on, "ended_on")
    return record_save(actor=actor, instance=assignment, values={"ended_on": on})


@transaction.atomic
def assignment_hand_over(
    *, actor: User, assignment: InstructorAssignment, person: Person, on: dt.date
) -> InstructorAssignment:
    """`person` takes the organisation over from `on`; the current one's last day is the day before.
    Returns the new assignment."""
    require(actor, Action.CHANGE, assignment)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."), code="ended")
    _not_in_future(on, "started_on")
    if on <= assignment.started_on:
        raise ValidationError(
            {
                "started_on": _("The handover must come after %(date)s, the day the assignment began.")
                % {"date": assignment.started_on.isoformat()}
            }
        )
    record_save(actor=actor, instance=assignment, values={"ended_on": on - dt.timedelta(days=1)})
    successor = InstructorAssignment(organization=assignment.organization)
    values = {"person_name": person.name, "role": person.role, "phone": person.phone, "started_on": on}
    return record_save(actor=actor, instance=successor, values=values)
