"""Writes: every change to needs, service items, projects and incubated
organisations goes through a service that validates it, checks the actor's
scope, runs in one transaction and is audited (accounts.services.record_save).

Each entity's form fields travel as one frozen data class; an update stores
all of them, as the form always sends them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require, require_visible
from accounts.services import data_values, record_save
from engagement.models import PilotAssignment, PilotCommunity
from organizations.models import SocialOrganization

from .models import IncubatedOrganization, Need, Project, ServiceItem

if TYPE_CHECKING:
    from accounts.models import User


# --------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NeedData:
    community: PilotCommunity
    category: str
    description: str
    source: str
    recorded_on: dt.date


@transaction.atomic
def need_create(*, actor: User, data: NeedData) -> Need:
    require(actor, Action.ADD, Need)
    # The saved need's scope (its community's district) is checked by record_save.
    return record_save(actor=actor, instance=Need(), values=data_values(data))


@transaction.atomic
def need_update(*, actor: User, need: Need, data: NeedData) -> Need:
    require(actor, Action.CHANGE, need)
    return record_save(actor=actor, instance=need, values=data_values(data))


# --------------------------------------------------------------------------
# Service items
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceItemData:
    organization: SocialOrganization
    category: str
    description: str
    capacity: int


@transaction.atomic
def service_item_create(*, actor: User, data: ServiceItemData) -> ServiceItem:
    require(actor, Action.ADD, ServiceItem)
    require_visible(actor, data.organization)
    return record_save(actor=actor, instance=ServiceItem(), values=data_values(data))


@transaction.atomic
def service_item_update(*, actor: User, service_item: ServiceItem, data: ServiceItemData) -> ServiceItem:
    require(actor, Action.CHANGE, service_item)
    require_visible(actor, data.organization, unchanged_pk=service_item.organization_id)
    return record_save(actor=actor, instance=service_item, values=data_values(data))


# --------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProjectData:
    need: Need
    service_item: ServiceItem
    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    status: str = Project.Status.PLANNED
    people_served: int = 0


def _serves_the_community(project: Project) -> None:
    """The matching rule (四社联动): a need is met by an organisation chosen to
    serve that pilot community, not by any organisation with a fitting offer."""
    serves = PilotAssignment.objects.filter(
        organization_id=project.service_item.organization_id, community_id=project.need.community_id
    ).exists()
    if not serves:
        raise ValidationError(
            {
                "service_item": _(
                    "%(organization)s does not serve %(community)s: only an organisation serving the pilot "
                    "community can take on its needs. Assign it to the community first."
                )
                % {"organization": project.service_item.organization.name, "community": project.need.community}
            }
        )


@transaction.atomic
def project_create(*, actor: User, data: ProjectData) -> Project:
    require(actor, Action.ADD, Project)
    require_visible(actor, data.need)
    require_visible(actor, data.service_item)
    return record_save(actor=actor, instance=Project(), values=data_values(data), check=_serves_the_community)


@transaction.atomic
def project_update(*, actor: User, project: Project, data: ProjectData) -> Project:
    require(actor, Action.CHANGE, project)
    require_visible(actor, data.need, unchanged_pk=project.need_id)
    require_visible(actor, data.service_item, unchanged_pk=project.service_item_id)
    return record_save(actor=actor, instance=project, values=data_values(data), check=_serves_the_community)


# --------------------------------------------------------------------------
# Incubated organisations
# --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IncubatedOrganizationData:
    community: PilotCommunity
    name: str
    started_on: dt.date
    status: str = IncubatedOrganization.Status.INCUBATING
    registered_on: dt.date | None = None
    organization: SocialOrganization | None = None


@transaction.atomic
def incubated_organization_create(*, actor: User, data: IncubatedOrganizationData) -> IncubatedOrganization:
    require(actor, Action.ADD, IncubatedOrganization)
    require_visible(actor, data.organization)
    return record_save(actor=actor, instance=IncubatedOrganization(), values=data_values(data))


@transaction.atomic
def incubated_organization_update(
    *, actor: User, incubated_organization: IncubatedOrganization, data: IncubatedOrganizationData
) -> IncubatedOrganization:
    require(actor, Action.CHANGE, incubated_organization)
    require_visible(actor, data.organization, unchanged_pk=incubated_organization.organization_id)
    return record_save(actor=actor, instance=incubated_organization, values=data_values(data))
