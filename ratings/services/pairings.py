"""Pairings (结对共建, 扶弱帮差): a party organisation of three stars or more
helps a weaker one, and the helped side records the progress."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, require, restrict
from accounts.permissions import Action as Perm
from audit import recording as audit
from organizations.models import PartyOrganization
from ratings import selectors
from ratings.models import STRONG_MIN_STARS, WEAK_MAX_STARS, Pairing
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User

# What pairing_update changes, for the audit log's before and after.
PAIRING_FIELDS = ("progress_notes", "status", "ended_on")


def pairing_reason(party_organization: PartyOrganization) -> tuple[str | None, int | None]:
    """Why a party organisation may be helped (or None), and its latest final stars."""
    standing = (
        selectors.with_standing(PartyOrganization.objects.filter(pk=party_organization.pk))
        .values("latest_stars", "has_open_warning")
        .get()
    )
    stars = standing["latest_stars"]
    if stars is not None and stars <= WEAK_MAX_STARS:
        return Pairing.Reason.LOW_STARS, stars
    if stars is None:
        return Pairing.Reason.UNRATED, stars
    if standing["has_open_warning"]:
        return Pairing.Reason.WARNING, stars
    return None, stars


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    partner: PartyOrganization,
    party_organization: PartyOrganization,
    started_on: dt.date,
    goals: str,
) -> Pairing:
    """Pair a party organisation of three stars or more with a weaker one (扶弱帮差)."""
    require(actor, Perm.ADD, Pairing)
    require(actor, Perm.VIEW, party_organization)
    require(actor, Perm.VIEW, partner)
    if partner.pk == party_organization.pk:
        raise ValidationError(_("A party organisation cannot be paired with itself."))
    for side in (partner, party_organization):
        if side.status != PartyOrganization.Status.ACTIVE:
            raise ValidationError(_("%(name)s is dissolved and cannot be paired.") % {"name": side.name})
    partner_stars = (
        selectors.with_standing(PartyOrganization.objects.filter(pk=partner.pk))
        .values_list("latest_stars", flat=True)
        .get()
    )
    if partner_stars is None or partner_stars < STRONG_MIN_STARS:
        raise ValidationError(
            {
                "partner": _(
                    "%(name)s cannot lead a pairing: a partner needs three stars or more in its latest approved rating "
                    "(it has %(stars)s)."
                )
                % {"name": partner.name, "stars": partner_stars if partner_stars is not None else _("none")}
            }
        )
    reason, weak_stars = pairing_reason(party_organization)
    if reason is None:
        raise ValidationError(
            {
                "party_organization": _(
                    "%(name)s has %(stars)s stars and no open early warning: only organisations with two stars or "
                    "fewer, unrated ones or ones with an open early warning are paired for help."
                )
                % {"name": party_organization.name, "stars": weak_stars}
            }
        )
    goals = (goals or "").strip()
    if not goals:
        raise ValidationError({"goals": _("Set out the goals of the pairing.")})
    if Pairing.objects.active().filter(partner=partner, party_organization=party_organization).exists():
        raise ValidationError(_("These two party organisations are already paired."))
    pairing = Pairing.objects.create(
        partner=partner,
        party_organization=party_organization,
        partner_stars=partner_stars,
        reason=reason,
        started_on=started_on,
        goals=goals,
        created_by=actor,
    )
    audit.record_write(actor=actor, instance=pairing, before=None)
    return pairing


@transaction.atomic
def pairing_update(
    *, actor: User, pairing: Pairing, progress_notes: str, status: str, ended_on: dt.date | None = None
) -> Pairing:
    require(actor, Perm.CHANGE, Pairing)
    pairing = (
        restrict(Pairing.objects.all(), actor, Perm.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=pairing.pk)
        .first()
    )
    if pairing is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    before = audit.field_values(pairing, PAIRING_FIELDS)
    pairing.progress_notes = progress_notes or ""
    pairing.status = status
    if status == Pairing.Status.ACTIVE:
        pairing.ended_on = None
    else:
        pairing.ended_on = ended_on or clock.today()
        if pairing.ended_on < pairing.started_on:
            raise ValidationError({"ended_on": _("The end date cannot precede the start date.")})
    pairing.save()
    audit.record_write(actor=actor, instance=pairing, before=before)
    return pairing
