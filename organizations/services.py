"""Writes: every change to the records goes through a service that validates
it, checks the actor's scope and runs in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, Action, require, restrict

from .creditcode import code_warnings
from .models import PartyOrganization, SocialOrganization

if TYPE_CHECKING:
    from accounts.models import User


def _apply(instance, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def organization_create(*, actor: User, **fields: Any) -> tuple[SocialOrganization, list[str]]:
    """Register an organisation; returns it and any soft warnings about its code."""
    require(actor, Action.ADD, SocialOrganization)
    organization = SocialOrganization()
    _apply(organization, fields)
    organization.full_clean()
    organization.save()
    # Whatever the form offered, a record that ends up outside the actor's scope rolls back.
    require(actor, Action.CHANGE, organization)
    return organization, code_warnings(organization.credit_code, organization.category)


@transaction.atomic
def organization_update(
    *, actor: User, organization: SocialOrganization, **fields: Any
) -> tuple[SocialOrganization, list[str]]:
    require(actor, Action.CHANGE, organization)
    if "status" in fields and fields["status"] == SocialOrganization.Status.ACTIVE:
        fields.setdefault("deregistered_on", None)
    _apply(organization, fields)
    organization.full_clean()
    organization.save()
    # Whatever the form offered, a record that ends up outside the actor's scope rolls back.
    require(actor, Action.CHANGE, organization)
    return organization, code_warnings(organization.credit_code, organization.category)


@transaction.atomic
def organization_deregister(*, actor: User, organization: SocialOrganization, on: dt.date) -> SocialOrganization:
    """Deregistration is a status change: the record and its history stay."""
    organization, _warnings = organization_update(
        actor=actor, organization=organization, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=on
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
                "A standalone party organisation covers exactly one social organisation; choose joint formation to cover several."
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
    actor: User,
    party_org: PartyOrganization,
    fields: dict[str, Any],
    organizations: Iterable[SocialOrganization] | None,
) -> PartyOrganization:
    _apply(party_org, fields)
    if not party_org.term_due_on and party_org.established_on and party_org.kind:
        party_org.term_due_on = default_term_due(party_org.kind, party_org.established_on)
    party_org.full_clean()
    if organizations is not None:
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
    if organizations is not None:
        party_org.organizations.set(organizations)
    require(actor, Action.CHANGE, party_org)
    return party_org


@transaction.atomic
def party_organization_create(
    *, actor: User, organizations: Iterable[SocialOrganization] = (), **fields: Any
) -> PartyOrganization:
    require(actor, Action.ADD, PartyOrganization)
    return _save_party_org(actor, PartyOrganization(), fields, organizations)


@transaction.atomic
def party_organization_update(
    *,
    actor: User,
    party_organization: PartyOrganization,
    organizations: Iterable[SocialOrganization] | None = None,
    **fields: Any,
) -> PartyOrganization:
    require(actor, Action.CHANGE, party_organization)
    if fields.get("status") == PartyOrganization.Status.ACTIVE:
        fields.setdefault("dissolved_on", None)
    return _save_party_org(actor, party_organization, fields, organizations)


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
