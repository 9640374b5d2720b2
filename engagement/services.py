"""Writes: every change to training, pilot and contribution records goes
through a service that validates it, checks the actor's scope and runs in
one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from accounts.permissions import Action, require, require_visible

from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

if TYPE_CHECKING:
    from accounts.models import User


def _apply(instance: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _save(actor: User, instance: models.Model, fields: dict[str, Any]) -> models.Model:
    _apply(instance, fields)
    instance.full_clean()
    instance.save()
    # Whatever the form offered, a record that ends up outside the actor's scope rolls back.
    require(actor, Action.CHANGE, instance)
    return instance


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@transaction.atomic
def training_base_create(*, actor: User, **fields: Any) -> TrainingBase:
    require(actor, Action.ADD, TrainingBase)
    require_visible(actor, fields.get("host_organization"))
    return _save(actor, TrainingBase(), fields)


@transaction.atomic
def training_base_update(*, actor: User, training_base: TrainingBase, **fields: Any) -> TrainingBase:
    require(actor, Action.CHANGE, training_base)
    if "host_organization" in fields:
        require_visible(actor, fields["host_organization"], unchanged_pk=training_base.host_organization_id)
    return _save(actor, training_base, fields)


@transaction.atomic
def training_session_create(*, actor: User, **fields: Any) -> TrainingSession:
    require(actor, Action.ADD, TrainingSession)
    # A session is scoped through its base, so the check after saving covers the base.
    return _save(actor, TrainingSession(), fields)


@transaction.atomic
def training_session_update(*, actor: User, training_session: TrainingSession, **fields: Any) -> TrainingSession:
    require(actor, Action.CHANGE, training_session)
    return _save(actor, training_session, fields)


# --------------------------------------------------------------------------
# Community governance pilots
# --------------------------------------------------------------------------


@transaction.atomic
def pilot_community_create(*, actor: User, **fields: Any) -> PilotCommunity:
    require(actor, Action.ADD, PilotCommunity)
    return _save(actor, PilotCommunity(), fields)


@transaction.atomic
def pilot_community_update(*, actor: User, pilot_community: PilotCommunity, **fields: Any) -> PilotCommunity:
    require(actor, Action.CHANGE, pilot_community)
    return _save(actor, pilot_community, fields)


@transaction.atomic
def pilot_assignment_create(*, actor: User, **fields: Any) -> PilotAssignment:
    require(actor, Action.ADD, PilotAssignment)
    # The community is checked by the scope of the saved assignment; the
    # organisation must be one the actor answers for as well.
    require_visible(actor, fields.get("organization"))
    return _save(actor, PilotAssignment(), fields)


@transaction.atomic
def pilot_assignment_update(*, actor: User, pilot_assignment: PilotAssignment, **fields: Any) -> PilotAssignment:
    require(actor, Action.CHANGE, pilot_assignment)
    if "organization" in fields:
        require_visible(actor, fields["organization"], unchanged_pk=pilot_assignment.organization_id)
    return _save(actor, pilot_assignment, fields)


@transaction.atomic
def plaque_award_create(*, actor: User, **fields: Any) -> PlaqueAward:
    require(actor, Action.ADD, PlaqueAward)
    require_visible(actor, fields.get("community"))
    return _save(actor, PlaqueAward(), fields)


@transaction.atomic
def plaque_award_update(*, actor: User, plaque_award: PlaqueAward, **fields: Any) -> PlaqueAward:
    require(actor, Action.CHANGE, plaque_award)
    if "community" in fields:
        require_visible(actor, fields["community"], unchanged_pk=plaque_award.community_id)
    return _save(actor, plaque_award, fields)


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------


@transaction.atomic
def contribution_create(*, actor: User, **fields: Any) -> Contribution:
    require(actor, Action.ADD, Contribution)
    return _save(actor, Contribution(), fields)


@transaction.atomic
def contribution_update(*, actor: User, contribution: Contribution, **fields: Any) -> Contribution:
    require(actor, Action.CHANGE, contribution)
    return _save(actor, contribution, fields)
