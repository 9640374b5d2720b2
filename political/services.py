"""Writes: an organisation's political-building record, created on its first
save and changed thereafter, audited through record_save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.permissions import Action, require, require_visible
from accounts.services import data_values, record_save
from organizations.models import SocialOrganization

from .models import PoliticalBuilding

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True, kw_only=True)
class PoliticalBuildingData:
    charter_on: dt.date | None = None
    charter_evidence: str = ""
    members_in_management: int = 0
    management_on_committee: int = 0
    cross_appointed_on: dt.date | None = None
    cross_appointment_evidence: str = ""
    secretary_meetings_on: dt.date | None = None
    secretary_meetings_evidence: str = ""
    consultation_on: dt.date | None = None
    consultation_evidence: str = ""


@transaction.atomic
def political_building_save(
    *, actor: User, organization: SocialOrganization, data: PoliticalBuildingData
) -> PoliticalBuilding:
    """Store the organisation's indicators: its row is made on the first save."""
    require_visible(actor, organization)
    instance = PoliticalBuilding.objects.select_for_update().filter(organization=organization).first()
    if instance is None:
        require(actor, Action.ADD, PoliticalBuilding)
        instance = PoliticalBuilding(organization=organization)
    else:
        require(actor, Action.CHANGE, instance)
    # record_save checks again after saving: the row is scoped through its organisation.
    return record_save(actor=actor, instance=instance, values=data_values(data))
