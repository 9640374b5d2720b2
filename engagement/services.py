"""Writes: every change to training, pilot and contribution records goes
through a service that validates it, checks the actor's scope and runs in
one transaction.

Each entity's form fields travel as one frozen data class with the model's
defaults. An update stores all of them, as the form always sends them: what
the caller passes is what is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.permissions import Action, require, require_visible
from accounts.services import data_values, record_save
from organizations.models import Area, SocialOrganization

from .models import ZERO, Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

if TYPE_CHECKING:
    from accounts.models import User


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrainingBaseData:
    name: str
    area: Area
    host_organization: SocialOrganization | None = None
    host_name: str = ""
    offers_listening: bool = False
    offers_seeing: bool = False
    offers_practising: bool = False
    offers_mentoring: bool = False
    offers_assessing: bool = False
    is_provincial_point: bool = False
    active: bool = True


@transaction.atomic
def training_base_create(*, actor: User, data: TrainingBaseData) -> TrainingBase:
    require(actor, Action.ADD, TrainingBase)
    require_visible(actor, data.host_organization)
    return record_save(actor=actor, instance=TrainingBase(), values=data_values(data))


@transaction.atomic
def training_base_update(*, actor: User, training_base: TrainingBase, data: TrainingBaseData) -> TrainingBase:
    require(actor, Action.CHANGE, training_base)
    require_visible(actor, data.host_organization, unchanged_pk=training_base.host_organization_id)
    return record_save(actor=actor, instance=training_base, values=data_values(data))


@dataclass(frozen=True, kw_only=True)
class TrainingSessionData:
    base: TrainingBase
    held_on: dt.date
    topic: str
    attendees: int
    new_secretaries: int = 0


@transaction.atomic
def training_session_create(*, actor: User, data: TrainingSessionData) -> TrainingSession:
    require(actor, Action.ADD, TrainingSession)
    # A session is scoped through its base, so the check after saving covers the base.
    return record_save(actor=actor, instance=TrainingSession(), values=data_values(data))


@transaction.atomic
def training_session_update(
    *, actor: User, training_session: TrainingSession, data: TrainingSessionData
) -> TrainingSession:
    require(actor, Action.CHANGE, training_session)
    return record_save(actor=actor, instance=training_session, values=data_values(data))


# --------------------------------------------------------------------------
# Community governance pilots
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PilotCommunityData:
    community: Area
    selected_on: dt.date
    plan_note: str = ""


@transaction.atomic
def pilot_community_create(*, actor: User, data: PilotCommunityData) -> PilotCommunity:
    require(actor, Action.ADD, PilotCommunity)
    return record_save(actor=actor, instance=PilotCommunity(), values=data_values(data))


@transaction.atomic
def pilot_community_update(*, actor: User, pilot_community: PilotCommunity, data: PilotCommunityData) -> PilotCommunity:
    require(actor, Action.CHANGE, pilot_community)
    return record_save(actor=actor, instance=pilot_community, values=data_values(data))


@dataclass(frozen=True, kw_only=True)
class PilotAssignmentData:
    community: PilotCommunity
    organization: SocialOrganization
    selected_on: dt.date
    star_level_at_selection: int | None = None


@transaction.atomic
def pilot_assignment_create(*, actor: User, data: PilotAssignmentData) -> PilotAssignment:
    require(actor, Action.ADD, PilotAssignment)
    # The community is checked by the scope of the saved assignment; the
    # organisation must be one the actor answers for as well.
    require_visible(actor, data.organization)
    return record_save(actor=actor, instance=PilotAssignment(), values=data_values(data))


@transaction.atomic
def pilot_assignment_update(
    *, actor: User, pilot_assignment: PilotAssignment, data: PilotAssignmentData
) -> PilotAssignment:
    require(actor, Action.CHANGE, pilot_assignment)
    require_visible(actor, data.organization, unchanged_pk=pilot_assignment.organization_id)
    return record_save(actor=actor, instance=pilot_assignment, values=data_values(data))


@dataclass(frozen=True, kw_only=True)
class PlaqueAwardData:
    organization: SocialOrganization
    awarded_on: dt.date
    place: str
    community: PilotCommunity | None = None
    agreement_signed: bool = False


@transaction.atomic
def plaque_award_create(*, actor: User, data: PlaqueAwardData) -> PlaqueAward:
    require(actor, Action.ADD, PlaqueAward)
    require_visible(actor, data.community)
    return record_save(actor=actor, instance=PlaqueAward(), values=data_values(data))


@transaction.atomic
def plaque_award_update(*, actor: User, plaque_award: PlaqueAward, data: PlaqueAwardData) -> PlaqueAward:
    require(actor, Action.CHANGE, plaque_award)
    require_visible(actor, data.community, unchanged_pk=plaque_award.community_id)
    return record_save(actor=actor, instance=plaque_award, values=data_values(data))


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContributionData:
    organization: SocialOrganization
    kind: str
    made_on: dt.date
    money_yuan: Decimal = ZERO
    goods_value_yuan: Decimal = ZERO
    people_helped: int = 0
    teams_sent: int = 0
    is_exemplary_case: bool = False
    description: str = ""


@transaction.atomic
def contribution_create(*, actor: User, data: ContributionData) -> Contribution:
    require(actor, Action.ADD, Contribution)
    return record_save(actor=actor, instance=Contribution(), values=data_values(data))


@transaction.atomic
def contribution_update(*, actor: User, contribution: Contribution, data: ContributionData) -> Contribution:
    require(actor, Action.CHANGE, contribution)
    return record_save(actor=actor, instance=contribution, values=data_values(data))
