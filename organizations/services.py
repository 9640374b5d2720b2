"""Writes: every change to the records goes through a service that validates
it, checks the actor's scope and runs in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, Action, require, restrict

from .creditcode import code_warnings
from .models import Area, PartyOrganization, SocialOrganization, SupervisingUnit

if TYPE_CHECKING:
    from accounts.models import User


def _apply(instance: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _save_organization(
    actor: User, organization: SocialOrganization, **values: Any
) -> tuple[SocialOrganization, list[str]]:
    _apply(organization, values)
    organization.full_clean()
    organization.save()
    # Whatever the form offered, a record that ends up outside the actor's scope rolls back.
    require(actor, Action.CHANGE, organization)
    return organization, code_warnings(organization.credit_code, organization.category)


@transaction.atomic
def organization_create(
    *,
    actor: User,
    name: str,
    credit_code: str,
    category: str,
    area: Area,
    registered_on: dt.date,
    staff_count: int,
    supervising_unit: SupervisingUnit | None = None,
    is_trade_association: bool = False,
    is_decoupled: bool = False,
    status: str = SocialOrganization.Status.ACTIVE,
    deregistered_on: dt.date | None = None,
    formal_party_members: int = 0,
    setup_path: str = SocialOrganization.SetupPath.PENDING,
    setup_contact: str = "",
    setup_contact_phone: str = "",
) -> tuple[SocialOrganization, list[str]]:
    """Register an organisation; returns it and any soft warnings about its code."""
    require(actor, Action.ADD, SocialOrganization)
    return _save_organization(
        actor,
        SocialOrganization(),
        name=name,
        credit_code=credit_code,
        category=category,
        is_trade_association=is_trade_association,
        is_decoupled=is_decoupled,
        area=area,
        supervising_unit=supervising_unit,
        registered_on=registered_on,
        status=status,
        deregistered_on=deregistered_on,
        staff_count=staff_count,
        formal_party_members=formal_party_members,
        setup_path=setup_path,
        setup_contact=setup_contact,
        setup_contact_phone=setup_contact_phone,
    )


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: SocialOrganization,
    name: str,
    credit_code: str,
    category: str,
    is_trade_association: bool,
    is_decoupled: bool,
    area: Area,
    supervising_unit: SupervisingUnit | None,
    registered_on: dt.date,
    status: str,
    deregistered_on: dt.date | None,
    staff_count: int,
    formal_party_members: int,
    setup_path: str,
    setup_contact: str,
    setup_contact_phone: str,
) -> tuple[SocialOrganization, list[str]]:
    """Store every field the form edits; returns the organisation and any soft warnings about its code."""
    require(actor, Action.CHANGE, organization)
    return _save_organization(
        actor,
        organization,
        name=name,
        credit_code=credit_code,
        category=category,
        is_trade_association=is_trade_association,
        is_decoupled=is_decoupled,
        area=area,
        supervising_unit=supervising_unit,
        registered_on=registered_on,
        status=status,
        deregistered_on=deregistered_on,
        staff_count=staff_count,
        formal_party_members=formal_party_members,
        setup_path=setup_path,
        setup_contact=setup_contact,
        setup_contact_phone=setup_contact_phone,
    )


@transaction.atomic
def organization_deregister(*, actor: User, organization: SocialOrganization, on: dt.date) -> SocialOrganization:
    """Deregistration is a status change: the record and its history stay."""
    require(actor, Action.CHANGE, organization)
    organization, _warnings = _save_organization(
        actor, organization, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=on
    )
    return organization


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
    actor: User, party_org: PartyOrganization, organizations: Iterable[SocialOrganization], **values: Any
) -> PartyOrganization:
    _apply(party_org, values)
    if not party_org.term_due_on and party_org.established_on and party_org.kind:
        party_org.term_due_on = default_term_due(party_org.kind, party_org.established_on)
    party_org.full_clean()
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
    _validate_coverage(actor, party_org, organizations, previously)
    party_org.save()
    party_org.organizations.set(organizations)
    require(actor, Action.CHANGE, party_org)
    return party_org


@transaction.atomic
def party_organization_create(
    *,
    actor: User,
    name: str,
    formation: str,
    area: Area,
    established_on: dt.date,
    organizations: Iterable[SocialOrganization] = (),
    kind: str = PartyOrganization.Kind.BRANCH,
    parent: PartyOrganization | None = None,
    supervising_unit: SupervisingUnit | None = None,
    secretary: str = "",
    term_due_on: dt.date | None = None,
    last_activity_on: dt.date | None = None,
    member_count: int = 0,
    status: str = PartyOrganization.Status.ACTIVE,
    dissolved_on: dt.date | None = None,
) -> PartyOrganization:
    """Record a party organisation; without `term_due_on` its term runs the standard length."""
    require(actor, Action.ADD, PartyOrganization)
    return _save_party_org(
        actor,
        PartyOrganization(),
        organizations,
        name=name,
        kind=kind,
        formation=formation,
        parent=parent,
        area=area,
        supervising_unit=supervising_unit,
        secretary=secretary,
        established_on=established_on,
        term_due_on=term_due_on,
        last_activity_on=last_activity_on,
        member_count=member_count,
        status=status,
        dissolved_on=dissolved_on,
    )


@transaction.atomic
def party_organization_update(
    *,
    actor: User,
    party_organization: PartyOrganization,
    organizations: Iterable[SocialOrganization],
    name: str,
    kind: str,
    formation: str,
    parent: PartyOrganization | None,
    area: Area,
    supervising_unit: SupervisingUnit | None,
    secretary: str,
    established_on: dt.date,
    term_due_on: dt.date | None,
    last_activity_on: dt.date | None,
    member_count: int,
    status: str,
    dissolved_on: dt.date | None,
) -> PartyOrganization:
    """Store every field the form edits; links the actor cannot see are kept."""
    require(actor, Action.CHANGE, party_organization)
    return _save_party_org(
        actor,
        party_organization,
        organizations,
        name=name,
        kind=kind,
        formation=formation,
        parent=parent,
        area=area,
        supervising_unit=supervising_unit,
        secretary=secretary,
        established_on=established_on,
        term_due_on=term_due_on,
        last_activity_on=last_activity_on,
        member_count=member_count,
        status=status,
        dissolved_on=dissolved_on,
    )


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
) -> tuple[int, int]:
    """Create and update many organisations at once, all or nothing; returns
    (created, updated). The ledger import (coverage.ledgers.imports) writes through here.

    Every row must already have passed the model's full_clean() (the import
    checks each row with it, and uniqueness set-based, before calling this;
    repeating it here would double the cost of a 100,000-row file). The
    database constraints still refuse what slipped through (IntegrityError).
    The actor must be allowed to add, every updated row must be one the actor
    may change, and every written row must still be so afterwards.
    """
    if creates:
        require(actor, Action.ADD, SocialOrganization)
    if updates:
        require(actor, Action.CHANGE, SocialOrganization)
        ids = [o.pk for o in updates]
        if _count_in_scope(actor, "pk__in", ids) != len(set(ids)):
            raise PermissionDenied(OUT_OF_SCOPE)
    SocialOrganization.objects.bulk_create(creates, batch_size=IMPORT_BATCH)
    if updates:
        # bulk_update does not run auto_now.
        now = timezone.now()
        for organization in updates:
            organization.updated_at = now
        fields = sorted({*update_fields, "updated_at"})
        SocialOrganization.objects.bulk_update(updates, fields, batch_size=IMPORT_BATCH)
    # As organization_create does after its write: a row the write moved out
    # of the actor's scope rolls the whole import back. By credit code, which
    # every backend returns for created rows (not every one returns their ids).
    written = list({o.credit_code for o in (*creates, *updates)})
    if _count_in_scope(actor, "credit_code__in", written) != len(written):
        raise PermissionDenied(OUT_OF_SCOPE)
    return len(creates), len(updates)
