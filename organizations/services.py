"""Writes: every change to the records goes through a service that validates
it, checks the actor's scope and runs in one transaction.

Each entity's form fields travel as one frozen data class (`OrganizationData`,
`PartyOrganizationData`) with the model's defaults. An update stores all of
them, as the form always sends them: what the caller passes is what is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, Action, require, restrict
from accounts.services import data_values, record_save
from dashboard import tallies
from xian_partybuild import clock

from . import bulk
from .coverage_state import refresh_coverage
from .creditcode import code_warnings
from .instructors.workload import refresh_for_organizations
from .models import Area, PartyOrganization, SocialOrganization, SupervisingUnit

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True, kw_only=True)
class OrganizationData:
    """The fields SocialOrganizationForm edits."""

    name: str
    credit_code: str
    category: str
    area: Area
    registered_on: dt.date
    staff_count: int
    # Where it sits (住所所在街道/社区), under the registration area; optional.
    location: Area | None = None
    supervising_unit: SupervisingUnit | None = None
    is_trade_association: bool = False
    is_decoupled: bool = False
    status: str = SocialOrganization.Status.ACTIVE
    deregistered_on: dt.date | None = None
    formal_party_members: int = 0
    setup_path: str = SocialOrganization.SetupPath.PENDING
    setup_contact: str = ""
    setup_contact_phone: str = ""


def _save_organization(
    actor: User, organization: SocialOrganization, values: dict[str, Any]
) -> tuple[SocialOrganization, list[str]]:
    organization = record_save(actor=actor, instance=organization, values=values)
    return organization, code_warnings(organization.credit_code, organization.category)


@transaction.atomic
def organization_create(*, actor: User, data: OrganizationData) -> tuple[SocialOrganization, list[str]]:
    """Register an organisation; returns it and any soft warnings about its code."""
    require(actor, Action.ADD, SocialOrganization)
    return _save_organization(actor, SocialOrganization(), data_values(data))


@transaction.atomic
def organization_update(
    *, actor: User, organization: SocialOrganization, data: OrganizationData
) -> tuple[SocialOrganization, list[str]]:
    """Store every field the form edits; returns the organisation and any soft warnings about its code."""
    require(actor, Action.CHANGE, organization)
    return _save_organization(actor, organization, data_values(data))


@transaction.atomic
def organization_deregister(*, actor: User, organization: SocialOrganization, on: dt.date) -> SocialOrganization:
    """Deregistration is a status change: the record and its history stay."""
    require(actor, Action.CHANGE, organization)
    values = {"status": SocialOrganization.Status.DEREGISTERED, "deregistered_on": on}
    return record_save(actor=actor, instance=organization, values=values)


@dataclass(frozen=True, kw_only=True)
class PartyOrganizationData:
    """The fields PartyOrganizationForm edits, but for the organisations it
    covers, which the services take beside it. Without `term_due_on` the
    term runs the standard length."""

    name: str
    formation: str
    area: Area
    established_on: dt.date
    kind: str = PartyOrganization.Kind.BRANCH
    parent: PartyOrganization | None = None
    supervising_unit: SupervisingUnit | None = None
    secretary: str = ""
    term_due_on: dt.date | None = None
    last_activity_on: dt.date | None = None
    member_count: int = 0
    status: str = PartyOrganization.Status.ACTIVE
    dissolved_on: dt.date | None = None


def default_term_due(kind: str, established_on: dt.date) -> dt.date:
    years = PartyOrganization.TERM_YEARS[PartyOrganization.Kind(kind)]
    try:
        return established_on.replace(year=established_on.year + years)
    except ValueError:  # 29 February
        return established_on.replace(year=established_on.year + years, day=28)


def _validate_coverage(
    actor: User, party_org: PartyOrganization, organizations: list[SocialOrganization], previously: set[int]
) -> None:
    errors: list[str] = []
    if party_org.formation == PartyOrganization.Formation.STANDALONE and len(organizations) > 1:
        errors.append(
            _(
                "A standalone party organisation covers exactly one social organisation; "
                "choose joint formation to cover several."
            )
        )
    newly = [o for o in organizations if o.pk not in previously]
    inactive = [o.name for o in newly if not o.is_active]
    if inactive:
        errors.append(
            _("Deregistered organisations cannot be newly covered: %(names)s.") % {"names": "、".join(inactive)}
        )
    visible = set(
        restrict(SocialOrganization.objects.filter(pk__in=[o.pk for o in newly]), actor).values_list("pk", flat=True)
    )
    if any(o.pk not in visible for o in newly):
        raise PermissionDenied(OUT_OF_SCOPE)
    if errors:
        raise ValidationError({"organizations": errors})


def _save_party_org(
    actor: User, party_org: PartyOrganization, organizations: Iterable[SocialOrganization], data: PartyOrganizationData
) -> PartyOrganization:
    if not data.term_due_on and data.established_on and data.kind:
        data = dataclasses.replace(data, term_due_on=default_term_due(data.kind, data.established_on))
    organizations = list(organizations)
    previously = set(party_org.organizations.values_list("pk", flat=True)) if party_org.pk else set()
    # Links to organisations outside the actor's scope (a joint branch
    # across a district border) are not the actor's to remove: they are
    # kept whatever the form sent, since the form could not show them.
    out_of_scope = previously - set(
        restrict(SocialOrganization.objects.filter(pk__in=previously), actor).values_list("pk", flat=True)
    )
    chosen = {o.pk for o in organizations}
    organizations += list(SocialOrganization.objects.filter(pk__in=out_of_scope - chosen))
    party_org = record_save(
        actor=actor,
        instance=party_org,
        values=data_values(data),
        check=lambda checked: _validate_coverage(actor, checked, organizations, previously),
    )
    party_org.organizations.set(organizations)
    return party_org


@transaction.atomic
def party_organization_create(
    *, actor: User, data: PartyOrganizationData, organizations: Iterable[SocialOrganization] = ()
) -> PartyOrganization:
    """Record a party organisation covering `organizations`."""
    require(actor, Action.ADD, PartyOrganization)
    return _save_party_org(actor, PartyOrganization(), organizations, data)


@transaction.atomic
def party_organization_update(
    *,
    actor: User,
    party_organization: PartyOrganization,
    data: PartyOrganizationData,
    organizations: Iterable[SocialOrganization],
) -> PartyOrganization:
    """Store every field the form edits; links the actor cannot see are kept."""
    require(actor, Action.CHANGE, party_organization)
    return _save_party_org(actor, party_organization, organizations, data)


# Bulk writes ----------------------------------------------------------------

IMPORT_BATCH = 500


def _count_in_scope(actor: User, lookup: str, values: list[Any]) -> int:
    """How many of the organisations with `lookup` in `values` the actor may change, in batches."""
    found = 0
    for start in range(0, len(values), IMPORT_BATCH):
        chunk = values[start : start + IMPORT_BATCH]
        rows = SocialOrganization.objects.filter(**{lookup: chunk})
        found += restrict(rows, actor, Action.CHANGE).count()
    return found


@transaction.atomic
def organizations_import(
    *,
    actor: User,
    creates: list[SocialOrganization],
    updates: list[SocialOrganization],
    update_fields: list[str],
    refresh: bool = True,
) -> tuple[int, int]:
    """Create and update many organisations at once, all or nothing; returns
    (created, updated). The ledger import (coverage.ledgers.imports) writes through here.

    Every row must already have passed the model's full_clean() (the import
    checks each row with it, and uniqueness set-based, before calling this;
    repeating it here would double the cost of a 100,000-row file). The
    database constraints still refuse what slipped through (IntegrityError).
    The actor must be allowed to add, every updated row must be one the actor
    may change, and every written row must still be so afterwards.

    The rows travel by COPY on PostgreSQL (organizations.bulk). With
    `refresh=False` the caller refreshes the stored coverage of every written
    organisation itself, in one set-based call: the ledger import writes
    100,000 rows in chunks in one transaction, and one call is far cheaper
    than one per batch.
    """
    if creates:
        require(actor, Action.ADD, SocialOrganization)
    if updates:
        require(actor, Action.CHANGE, SocialOrganization)
        ids = [o.pk for o in updates]
        if _count_in_scope(actor, "pk__in", ids) != len(set(ids)):
            raise PermissionDenied(OUT_OF_SCOPE)
    bulk.insert(creates)
    if updates:
        # bulk_update does not run auto_now.
        now = clock.now()
        for organization in updates:
            organization.updated_at = now
        fields = sorted({*update_fields, "updated_at"})
        # An organisation that moves to another area or unit takes its records'
        # figures along on the dashboard's tallies (bulk_update sends no signals).
        moving = tallies.organizations_moving(ids) if {"area", "supervising_unit"} & set(fields) else None
        bulk.update(updates, fields)
        if moving is not None:
            moving.done()
            # And their instructors' workload cells (organizations/instructors/workload.py).
            refresh_for_organizations(SocialOrganization.objects.filter(pk__in=ids))
    # As organization_create does after its write: a row the write moved out
    # of the actor's scope rolls the whole import back. By credit code, which
    # every backend returns for created rows (not every one returns their ids).
    written = list({o.credit_code for o in (*creates, *updates)})
    if _count_in_scope(actor, "credit_code__in", written) != len(written):
        raise PermissionDenied(OUT_OF_SCOPE)
    # Bulk writes send no signals: the written rows' stored coverage (head
    # count, status and dates enter it) is refreshed here, in batches.
    for start in range(0, len(written) if refresh else 0, IMPORT_BATCH):
        refresh_coverage(SocialOrganization.objects.filter(credit_code__in=written[start : start + IMPORT_BATCH]))
    return len(creates), len(updates)
