"""防瘫预警: the early-warning rules. Each rule is one queryset of the records
for which it holds on a day; the scan (scan.py) turns them into warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Trim
from django.utils.translation import gettext_lazy

from coverage.models import EarlyWarning
from organizations.models import MUST_ESTABLISH_MEMBERS, PartyOrganization, SocialOrganization
from organizations.selectors import coverage_conditions, organization_active_on, party_organization_active_on
from political.indicators import holds
from xian_partybuild import clock

Rule = EarlyWarning.Rule

# "Six months" is counted in days so that the boundary does not move with
# the length of the months in between.
DORMANT_AFTER = dt.timedelta(days=183)
# A newly registered organisation has this long to establish its own party
# organisation before 应建未建 becomes a warning.
ESTABLISH_GRACE = dt.timedelta(days=90)
# 登记同步 applies to new registrations: older records predate the rule.
NEW_REGISTRATION_WINDOW = dt.timedelta(days=365)
# A branch needs three formal members, the same threshold as 应建必建.
MIN_BRANCH_MEMBERS = MUST_ESTABLISH_MEMBERS
# Its own party organisation has a year to have party building written into
# the organisation's charter (党建工作要求写入章程). In days, like DORMANT_AFTER.
CHARTER_GRACE = dt.timedelta(days=365)

# The rule in words, for the warning page: what was found and why it matters.
RULE_DESCRIPTIONS = {
    Rule.NO_ACTIVITY: gettext_lazy(
        "No organisational-life activity (three meetings and one lesson) has been recorded for more than "
        "six months, although the party organisation was established more than six months ago."
    ),
    Rule.SECRETARY_VACANT: gettext_lazy("The party organisation has no secretary."),
    Rule.TERM_OVERDUE: gettext_lazy("The term due date has passed and no re-election has been recorded."),
    Rule.TOO_FEW_MEMBERS: gettext_lazy(
        "A standalone branch needs at least 3 formal party members; this one has fewer."
    ),
    Rule.DEREGISTERED_ACTIVE: gettext_lazy(
        "Every organisation this party organisation covers has been deregistered, yet it is still recorded as active."
    ),
    Rule.MUST_ESTABLISH: gettext_lazy(
        "The organisation has 3 or more formal party members, registered more than 90 days ago and still has "
        "no standalone party organisation of its own."
    ),
    Rule.NO_SETUP_CONTACT: gettext_lazy(
        "The organisation registered within the last year and no party-building contact has been recorded."
    ),
    Rule.CHARTER_MISSING: gettext_lazy(
        "The organisation has 3 or more formal party members and its own party organisation was established "
        "more than a year ago, yet party building is still not written into its charter."
    ),
}


def _active_party_orgs(today: dt.date) -> QuerySet[PartyOrganization]:
    return PartyOrganization.objects.filter(party_organization_active_on(today))


def _active_organizations(today: dt.date) -> QuerySet[SocialOrganization]:
    return SocialOrganization.objects.filter(organization_active_on(today))


def _no_activity(today: dt.date) -> QuerySet:
    cutoff = today - DORMANT_AFTER
    return _active_party_orgs(today).filter(
        Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=cutoff), established_on__lt=cutoff
    )


def _secretary_vacant(today: dt.date) -> QuerySet:
    # Blank and whitespace-only both mean vacant, as PartyOrganization.secretary_vacant says.
    return _active_party_orgs(today).alias(secretary_trimmed=Trim("secretary")).filter(secretary_trimmed="")


def _term_overdue(today: dt.date) -> QuerySet:
    return _active_party_orgs(today).filter(term_due_on__lt=today)


def _too_few_members(today: dt.date) -> QuerySet:
    return _active_party_orgs(today).filter(
        kind=PartyOrganization.Kind.BRANCH,
        formation=PartyOrganization.Formation.STANDALONE,
        member_count__lt=MIN_BRANCH_MEMBERS,
    )


def _deregistered_active(today: dt.date) -> QuerySet:
    links = PartyOrganization.organizations.through.objects.filter(partyorganization_id=OuterRef("pk"))
    still_registered = links.exclude(socialorganization__status=SocialOrganization.Status.DEREGISTERED)
    # A party organisation covering nothing is incomplete, not "left behind".
    return _active_party_orgs(today).filter(Exists(links), ~Exists(still_registered))


def _must_establish(today: dt.date) -> QuerySet:
    condition = coverage_conditions(on=today)["must_establish_not_established"]
    return _active_organizations(today).filter(condition, registered_on__lt=today - ESTABLISH_GRACE)


def _no_setup_contact(today: dt.date) -> QuerySet:
    return (
        _active_organizations(today)
        .filter(registered_on__gte=today - NEW_REGISTRATION_WINDOW)
        .alias(contact_trimmed=Trim("setup_contact"))
        .filter(contact_trimmed="")
    )


def _charter_missing(today: dt.date) -> QuerySet:
    """应建必建 organisations whose own active party organisation is more than
    a year old, and whose charter does not carry party building as of today."""
    links = PartyOrganization.organizations.through.objects.filter(
        party_organization_active_on(today, "partyorganization__"),
        socialorganization_id=OuterRef("pk"),
        partyorganization__formation=PartyOrganization.Formation.STANDALONE,
        partyorganization__established_on__lte=today - CHARTER_GRACE,
    )
    return _active_organizations(today).filter(
        Exists(links), ~holds("charter", today), formal_party_members__gte=MUST_ESTABLISH_MEMBERS
    )


RULES: dict[str, Callable[[dt.date], QuerySet]] = {
    Rule.NO_ACTIVITY: _no_activity,
    Rule.SECRETARY_VACANT: _secretary_vacant,
    Rule.TERM_OVERDUE: _term_overdue,
    Rule.TOO_FEW_MEMBERS: _too_few_members,
    Rule.DEREGISTERED_ACTIVE: _deregistered_active,
    Rule.MUST_ESTABLISH: _must_establish,
    Rule.NO_SETUP_CONTACT: _no_setup_contact,
    Rule.CHARTER_MISSING: _charter_missing,
}


def rule_matches(rule: str, *, today: dt.date | None = None) -> QuerySet:
    """The records for which `rule` holds on `today`."""
    return RULES[rule](today or clock.today())
