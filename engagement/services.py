"""Writes: every change to training, pilot and contribution records goes
through a service that validates it, checks the actor's scope and runs in
one transaction.

Each service takes one keyword per field its form edits. An update takes
them all, as the form always sends them: what the caller passes is what is
stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

from accounts.permissions import Action, require, require_visible
from organizations.models import Area, SocialOrganization

from .models import ZERO, Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)


def _save(actor: User, instance: M, **values: Any) -> M:
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    # Whatever the form offered, a record that ends up outside the actor's scope rolls back.
    require(actor, Action.CHANGE, instance)
    return instance


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@transaction.atomic
def training_base_create(
    *,
    actor: User,
    name: str,
    area: Area,
    host_organization: SocialOrganization | None = None,
    host_name: str = "",
    offers_listening: bool = False,
    offers_seeing: bool = False,
    offers_practising: bool = False,
    offers_mentoring: bool = False,
    offers_assessing: bool = False,
    is_provincial_point: bool = False,
    active: bool = True,
) -> TrainingBase:
    require(actor, Action.ADD, TrainingBase)
    require_visible(actor, host_organization)
    return _save(
        actor,
        TrainingBase(),
        name=name,
        area=area,
        host_organization=host_organization,
        host_name=host_name,
        offers_listening=offers_listening,
        offers_seeing=offers_seeing,
        offers_practising=offers_practising,
        offers_mentoring=offers_mentoring,
        offers_assessing=offers_assessing,
        is_provincial_point=is_provincial_point,
        active=active,
    )


@transaction.atomic
def training_base_update(
    *,
    actor: User,
    training_base: TrainingBase,
    name: str,
    area: Area,
    host_organization: SocialOrganization | None,
    host_name: str,
    offers_listening: bool,
    offers_seeing: bool,
    offers_practising: bool,
    offers_mentoring: bool,
    offers_assessing: bool,
    is_provincial_point: bool,
    active: bool,
) -> TrainingBase:
    require(actor, Action.CHANGE, training_base)
    require_visible(actor, host_organization, unchanged_pk=training_base.host_organization_id)
    return _save(
        actor,
        training_base,
        name=name,
        area=area,
        host_organization=host_organization,
        host_name=host_name,
        offers_listening=offers_listening,
        offers_seeing=offers_seeing,
        offers_practising=offers_practising,
        offers_mentoring=offers_mentoring,
        offers_assessing=offers_assessing,
        is_provincial_point=is_provincial_point,
        active=active,
    )


@transaction.atomic
def training_session_create(
    *, actor: User, base: TrainingBase, held_on: dt.date, topic: str, attendees: int, new_secretaries: int = 0
) -> TrainingSession:
    require(actor, Action.ADD, TrainingSession)
    # A session is scoped through its base, so the check after saving covers the base.
    return _save(
        actor,
        TrainingSession(),
        base=base,
        held_on=held_on,
        topic=topic,
        attendees=attendees,
        new_secretaries=new_secretaries,
    )


@transaction.atomic
def training_session_update(
    *,
    actor: User,
    training_session: TrainingSession,
    base: TrainingBase,
    held_on: dt.date,
    topic: str,
    attendees: int,
    new_secretaries: int,
) -> TrainingSession:
    require(actor, Action.CHANGE, training_session)
    return _save(
        actor,
        training_session,
        base=base,
        held_on=held_on,
        topic=topic,
        attendees=attendees,
        new_secretaries=new_secretaries,
    )


# --------------------------------------------------------------------------
# Community governance pilots
# --------------------------------------------------------------------------


@transaction.atomic
def pilot_community_create(
    *, actor: User, community: Area, selected_on: dt.date, plan_note: str = ""
) -> PilotCommunity:
    require(actor, Action.ADD, PilotCommunity)
    return _save(actor, PilotCommunity(), community=community, selected_on=selected_on, plan_note=plan_note)


@transaction.atomic
def pilot_community_update(
    *, actor: User, pilot_community: PilotCommunity, community: Area, selected_on: dt.date, plan_note: str
) -> PilotCommunity:
    require(actor, Action.CHANGE, pilot_community)
    return _save(actor, pilot_community, community=community, selected_on=selected_on, plan_note=plan_note)


@transaction.atomic
def pilot_assignment_create(
    *,
    actor: User,
    community: PilotCommunity,
    organization: SocialOrganization,
    selected_on: dt.date,
    star_level_at_selection: int | None = None,
) -> PilotAssignment:
    require(actor, Action.ADD, PilotAssignment)
    # The community is checked by the scope of the saved assignment; the
    # organisation must be one the actor answers for as well.
    require_visible(actor, organization)
    return _save(
        actor,
        PilotAssignment(),
        community=community,
        organization=organization,
        selected_on=selected_on,
        star_level_at_selection=star_level_at_selection,
    )


@transaction.atomic
def pilot_assignment_update(
    *,
    actor: User,
    pilot_assignment: PilotAssignment,
    community: PilotCommunity,
    organization: SocialOrganization,
    selected_on: dt.date,
    star_level_at_selection: int | None,
) -> PilotAssignment:
    require(actor, Action.CHANGE, pilot_assignment)
    require_visible(actor, organization, unchanged_pk=pilot_assignment.organization_id)
    return _save(
        actor,
        pilot_assignment,
        community=community,
        organization=organization,
        selected_on=selected_on,
        star_level_at_selection=star_level_at_selection,
    )


@transaction.atomic
def plaque_award_create(
    *,
    actor: User,
    organization: SocialOrganization,
    awarded_on: dt.date,
    place: str,
    community: PilotCommunity | None = None,
    agreement_signed: bool = False,
) -> PlaqueAward:
    require(actor, Action.ADD, PlaqueAward)
    require_visible(actor, community)
    return _save(
        actor,
        PlaqueAward(),
        organization=organization,
        community=community,
        awarded_on=awarded_on,
        place=place,
        agreement_signed=agreement_signed,
    )


@transaction.atomic
def plaque_award_update(
    *,
    actor: User,
    plaque_award: PlaqueAward,
    organization: SocialOrganization,
    community: PilotCommunity | None,
    awarded_on: dt.date,
    place: str,
    agreement_signed: bool,
) -> PlaqueAward:
    require(actor, Action.CHANGE, plaque_award)
    require_visible(actor, community, unchanged_pk=plaque_award.community_id)
    return _save(
        actor,
        plaque_award,
        organization=organization,
        community=community,
        awarded_on=awarded_on,
        place=place,
        agreement_signed=agreement_signed,
    )


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------


@transaction.atomic
def contribution_create(
    *,
    actor: User,
    organization: SocialOrganization,
    kind: str,
    made_on: dt.date,
    money_yuan: Decimal = ZERO,
    goods_value_yuan: Decimal = ZERO,
    people_helped: int = 0,
    teams_sent: int = 0,
    is_exemplary_case: bool = False,
    description: str = "",
) -> Contribution:
    require(actor, Action.ADD, Contribution)
    return _save(
        actor,
        Contribution(),
        organization=organization,
        kind=kind,
        made_on=made_on,
        money_yuan=money_yuan,
        goods_value_yuan=goods_value_yuan,
        people_helped=people_helped,
        teams_sent=teams_sent,
        is_exemplary_case=is_exemplary_case,
        description=description,
    )


@transaction.atomic
def contribution_update(
    *,
    actor: User,
    contribution: Contribution,
    organization: SocialOrganization,
    kind: str,
    made_on: dt.date,
    money_yuan: Decimal,
    goods_value_yuan: Decimal,
    people_helped: int,
    teams_sent: int,
    is_exemplary_case: bool,
    description: str,
) -> Contribution:
    require(actor, Action.CHANGE, contribution)
    return _save(
        actor,
        contribution,
        organization=organization,
        kind=kind,
        made_on=made_on,
        money_yuan=money_yuan,
        goods_value_yuan=goods_value_yuan,
        people_helped=people_helped,
        teams_sent=teams_sent,
        is_exemplary_case=is_exemplary_case,
        description=description,
    )
