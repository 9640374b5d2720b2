"""Writes: every change to training, pilot and contribution records goes
through a service that validates it, checks the actor's scope and runs in
one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.scoping import require_editor as _require_editor
from accounts.scoping import require_in_scope as _require_in_scope

from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

if TYPE_CHECKING:
    from accounts.models import User


def _require_visible(actor: User, instance: models.Model | None, previous_pk: int | None = None) -> None:
    """A related record newly chosen must be one the actor may see.

    The record's own scope may run through a different relation (a pilot
    assignment is scoped by its community), so a hand-made request could
    otherwise attach an organisation from outside the actor's reach.
    """
    if instance is None or instance.pk == previous_pk:
        return
    if not type(instance).objects.for_user(actor).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record lies outside your area of responsibility."))


def _apply(instance: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _save(actor: User, instance: models.Model, fields: dict[str, Any]) -> models.Model:
    _apply(instance, fields)
    instance.full_clean()
    instance.save()
    _require_in_scope(actor, instance)
    return instance


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@transaction.atomic
def training_base_create(*, actor: User, **fields: Any) -> TrainingBase:
    _require_editor(actor)
    _require_visible(actor, fields.get("host_organization"))
    return _save(actor, TrainingBase(), fields)


@transaction.atomic
def training_base_update(*, actor: User, training_base: TrainingBase, **fields: Any) -> TrainingBase:
    _require_editor(actor)
    _require_in_scope(actor, training_base)
    if "host_organization" in fields:
        _require_visible(actor, fields["host_organization"], training_base.host_organization_id)
    return _save(actor, training_base, fields)


@transaction.atomic
def training_session_create(*, actor: User, **fields: Any) -> TrainingSession:
    _require_editor(actor)
    # A session is scoped through its base, so the check after saving covers the base.
    return _save(actor, TrainingSession(), fields)


@transaction.atomic
def training_session_update(*, actor: User, training_session: TrainingSession, **fields: Any) -> TrainingSession:
    _require_editor(actor)
    _require_in_scope(actor, training_session)
    return _save(actor, training_session, fields)


# --------------------------------------------------------------------------
# Community governance pilots
# --------------------------------------------------------------------------


@transaction.atomic
def pilot_community_create(*, actor: User, **fields: Any) -> PilotCommunity:
    _require_editor(actor)
    return _save(actor, PilotCommunity(), fields)


@transaction.atomic
def pilot_community_update(*, actor: User, pilot_community: PilotCommunity, **fields: Any) -> PilotCommunity:
    _require_editor(actor)
    _require_in_scope(actor, pilot_community)
    return _save(actor, pilot_community, fields)


@transaction.atomic
def pilot_assignment_create(*, actor: User, **fields: Any) -> PilotAssignment:
    _require_editor(actor)
    # The community is checked by the scope of the saved assignment; the
    # organisation must be one the actor answers for as well.
    _require_visible(actor, fields.get("organization"))
    return _save(actor, PilotAssignment(), fields)


@transaction.atomic
def pilot_assignment_update(*, actor: User, pilot_assignment: PilotAssignment, **fields: Any) -> PilotAssignment:
    _require_editor(actor)
    _require_in_scope(actor, pilot_assignment)
    if "organization" in fields:
        _require_visible(actor, fields["organization"], pilot_assignment.organization_id)
    return _save(actor, pilot_assignment, fields)


@transaction.atomic
def plaque_award_create(*, actor: User, **fields: Any) -> PlaqueAward:
    _require_editor(actor)
    _require_visible(actor, fields.get("community"))
    return _save(actor, PlaqueAward(), fields)


@transaction.atomic
def plaque_award_update(*, actor: User, plaque_award: PlaqueAward, **fields: Any) -> PlaqueAward:
    _require_editor(actor)
    _require_in_scope(actor, plaque_award)
    if "community" in fields:
        _require_visible(actor, fields["community"], plaque_award.community_id)
    return _save(actor, plaque_award, fields)


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------


@transaction.atomic
def contribution_create(*, actor: User, **fields: Any) -> Contribution:
    _require_editor(actor)
    return _save(actor, Contribution(), fields)


@transaction.atomic
def contribution_update(*, actor: User, contribution: Contribution, **fields: Any) -> Contribution:
    _require_editor(actor)
    _require_in_scope(actor, contribution)
    return _save(actor, contribution, fields)
