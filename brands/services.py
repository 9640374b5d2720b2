"""Writes: every change to a party-building brand goes through a service that
validates it, checks the actor's scope and the three-star rule, and runs in
one transaction; `record_save` announces it to the audit log.

The three-star rule (三星级以上党组织 树品牌): a brand is named only for a
party organisation whose latest decided star rating (approved by the city,
sent to or certified by the province) has three stars or more. It is checked
when a brand is named for an organisation — on creation, and on an edit that
moves the brand to another organisation. A brand already recognised stays,
and its text can still be corrected, when its organisation's stars later
drop: the recognition was given in its year; withdrawing it is a decision
the department takes by deleting the brand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require, require_visible
from accounts.services import data_values, record_save
from audit import recording as audit
from organizations.models import PartyOrganization
from ratings import selectors as rating_selectors
from ratings.models import STRONG_MIN_STARS

from .models import Brand

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True, kw_only=True)
class BrandData:
    party_organization: PartyOrganization
    name: str
    description: str
    year: int
    level: str
    promotion: str = ""


def current_stars(party_organization: PartyOrganization) -> int | None:
    """Final stars in the latest round that decided the organisation, or None when never rated."""
    return (
        rating_selectors.with_standing(PartyOrganization.objects.filter(pk=party_organization.pk))
        .values_list("latest_stars", flat=True)
        .get()
    )


def check_may_carry_brand(party_organization: PartyOrganization) -> None:
    """Refuse, naming the stars, a party organisation that may not be given a brand."""
    if party_organization.status != PartyOrganization.Status.ACTIVE:
        raise ValidationError(
            {
                "party_organization": _("%(name)s is dissolved and cannot be given a brand.")
                % {"name": party_organization.name}
            }
        )
    stars = current_stars(party_organization)
    if stars is None:
        raise ValidationError(
            {
                "party_organization": _(
                    "%(name)s has not yet been rated: a brand is named only for party organisations rated three stars "
                    "or more in their latest approved rating."
                )
                % {"name": party_organization.name}
            }
        )
    if stars < STRONG_MIN_STARS:
        raise ValidationError(
            {
                "party_organization": _(
                    "%(name)s has %(stars)s stars in its latest approved rating: a brand is named only for party "
                    "organisations rated three stars or more."
                )
                % {"name": party_organization.name, "stars": stars}
            }
        )


@transaction.atomic
def brand_create(*, actor: User, data: BrandData) -> Brand:
    require(actor, Action.ADD, Brand)
    require_visible(actor, data.party_organization)
    check_may_carry_brand(data.party_organization)
    return record_save(actor=actor, instance=Brand(), values=data_values(data))


@transaction.atomic
def brand_update(*, actor: User, brand: Brand, data: BrandData) -> Brand:
    require(actor, Action.CHANGE, brand)
    require_visible(actor, data.party_organization, unchanged_pk=brand.party_organization_id)
    if data.party_organization.pk != brand.party_organization_id:
        # Moving the brand names it for another organisation: the rule applies
        # as to a new brand. Kept on its organisation, it stays whatever the
        # organisation's stars have become since (module docstring).
        check_may_carry_brand(data.party_organization)
    return record_save(actor=actor, instance=brand, values=data_values(data))


@transaction.atomic
def brand_delete(*, actor: User, brand: Brand) -> None:
    """Withdraw a brand. Whoever may change it may delete it; the audit log keeps what it was."""
    require(actor, Action.CHANGE, brand)
    # Recorded before the row goes: the entry names the record by its key.
    before = audit.field_values(brand, ["party_organization", "name", "description", "year", "level", "promotion"])
    audit.record(
        kind=audit.Kind.DELETE, user=actor, obj=brand, changes={name: [value, None] for name, value in before.items()}
    )
    brand.delete()
