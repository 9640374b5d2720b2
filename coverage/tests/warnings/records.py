"""Records for the warning tests: healthy ones, and one case per rule."""

import datetime as dt

from coverage.models import EarlyWarning
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from political.models import PoliticalBuilding

TODAY = dt.date(2021, 1, 15)
DAY = dt.timedelta(days=1)
Rule = EarlyWarning.Rule


def healthy_org(area, **fields) -> SocialOrganization:
    """An active organisation no rule holds for: no must-establish, contact recorded."""
    values = {"registered_on": TODAY - dt.timedelta(days=400), "setup_contact": "王联络", **fields}
    return SocialOrganizationFactory(area=area, **values)


def healthy_party(area, *, organizations=None, **fields) -> PartyOrganization:
    """An active standalone branch no rule holds for."""
    if organizations is None:
        organizations = [healthy_org(area)]
    values = {
        "area": area,
        "secretary": "张书记",
        "established_on": TODAY - dt.timedelta(days=400),
        "term_due_on": TODAY + dt.timedelta(days=700),
        "last_activity_on": TODAY - dt.timedelta(days=30),
        "member_count": 5,
        **fields,
    }
    return PartyOrganizationFactory(organizations=organizations, **values)


def open_warnings() -> set[tuple[str, str]]:
    return set(EarlyWarning.objects.open().values_list("rule", "subject_key"))


def key(record) -> str:
    prefix = "party" if isinstance(record, PartyOrganization) else "org"
    return f"{prefix}:{record.pk}"


def update(record, **fields) -> None:
    type(record).objects.filter(pk=record.pk).update(**fields)


# Each case: the rule, a record for which only that rule holds, and the
# change to the records that makes it stop holding.
def no_activity(area):
    party = healthy_party(area, last_activity_on=None)
    return party, lambda: update(party, last_activity_on=TODAY - 10 * DAY)


def secretary_vacant(area):
    party = healthy_party(area, secretary="  ")
    return party, lambda: update(party, secretary="李书记")


def term_overdue(area):
    party = healthy_party(area, term_due_on=TODAY - DAY)
    return party, lambda: update(party, term_due_on=TODAY + dt.timedelta(days=3 * 365))


def too_few_members(area):
    party = healthy_party(area, member_count=2)
    return party, lambda: update(party, member_count=3)


def deregistered_active(area):
    gone = healthy_org(area, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=TODAY - 30 * DAY)
    party = healthy_party(area, organizations=[gone])
    return party, lambda: update(party, status=PartyOrganization.Status.DISSOLVED, dissolved_on=TODAY - DAY)


def must_establish(area):
    org = healthy_org(area, formal_party_members=3, registered_on=TODAY - 91 * DAY)
    # A branch of a month: not yet a year old, so its charter is not yet due (charter_missing).
    return org, lambda: healthy_party(area, organizations=[org], established_on=TODAY - 30 * DAY)


def no_setup_contact(area):
    org = healthy_org(area, registered_on=TODAY - 30 * DAY, setup_contact="")
    return org, lambda: update(org, setup_contact="赵联络")


def charter_missing(area):
    # Must establish and has: its own branch, 400 days old, but no charter change.
    org = healthy_org(area, formal_party_members=3)
    healthy_party(area, organizations=[org])
    return org, lambda: PoliticalBuilding.objects.create(organization=org, charter_on=TODAY - DAY)


CASES = {
    Rule.NO_ACTIVITY: no_activity,
    Rule.SECRETARY_VACANT: secretary_vacant,
    Rule.TERM_OVERDUE: term_overdue,
    Rule.TOO_FEW_MEMBERS: too_few_members,
    Rule.DEREGISTERED_ACTIVE: deregistered_active,
    Rule.MUST_ESTABLISH: must_establish,
    Rule.NO_SETUP_CONTACT: no_setup_contact,
    Rule.CHARTER_MISSING: charter_missing,
}
