"""防瘫预警: the early-warning scan, rectification (整改), and the reads behind
the warning pages.

Each rule is one queryset of the records for which it holds today. The scan
compares that set with the open warnings of the rule in SQL: records without
an open warning get one (one bulk INSERT), open warnings whose record left the
set are cleared (one UPDATE). The number of statements depends on the number
of rules, never on the number of records, and a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Length, Trim
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import MUST_ESTABLISH_MEMBERS, Area, PartyOrganization, SocialOrganization
from organizations.selectors import coverage_conditions, organization_active_on, party_organization_active_on
from xian_partybuild.celery import enqueue

from .models import EarlyWarning, RecountRun

if TYPE_CHECKING:
    from accounts.models import User

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

# The Celery task that runs warning_scan (coverage/tasks.py), queued by name.
SCAN_TASK = "coverage.tasks.warning_scan"

# Any constant will do as long as nothing else in the database uses it.
SCAN_LOCK_ID = 0x59_4A_57_41  # "YJWA", 预警

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
}


# --- The rules ------------------------------------------------------------


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


RULES: dict[str, Callable[[dt.date], QuerySet]] = {
    Rule.NO_ACTIVITY: _no_activity,
    Rule.SECRETARY_VACANT: _secretary_vacant,
    Rule.TERM_OVERDUE: _term_overdue,
    Rule.TOO_FEW_MEMBERS: _too_few_members,
    Rule.DEREGISTERED_ACTIVE: _deregistered_active,
    Rule.MUST_ESTABLISH: _must_establish,
    Rule.NO_SETUP_CONTACT: _no_setup_contact,
}


def rule_matches(rule: str, *, today: dt.date | None = None) -> QuerySet:
    """The records for which `rule` holds on `today`."""
    return RULES[rule](today or timezone.localdate())


# --- The scan -------------------------------------------------------------


def _subject(model: type) -> tuple[str, str]:
    """(subject_key prefix, EarlyWarning foreign key) for a record model."""
    if model is PartyOrganization:
        return "party", "party_organization"
    return "org", "organization"


def _registration_area_id(area_path: str) -> Subquery:
    """The registration area (district, county, zone or city) of the area at
    `area_path` in the outer query: its deepest ancestor-or-self at a
    registration level. The tree is a materialised path, so "ancestor of" is
    a prefix test and no walk is needed."""
    return Subquery(
        Area.objects.filter(StartsWith(OuterRef(area_path), F("path")), level__in=Area.REGISTRATION_LEVELS)
        .order_by(Length("path").desc())
        .values("pk")[:1]
    )


def _close_cleared(rule: str, matching: QuerySet, today: dt.date) -> int:
    _prefix, fk = _subject(matching.model)
    still_holds = matching.filter(pk=OuterRef(f"{fk}_id"))
    return (
        EarlyWarning.objects.open()
        .filter(~Exists(still_holds), rule=rule)
        .update(status=EarlyWarning.Status.CLOSED, closed_on=today)
    )


def _open_new(rule: str, matching: QuerySet, today: dt.date) -> int:
    prefix, fk = _subject(matching.model)
    # The foreign key and subject_key are written together, here only, so
    # testing the indexed foreign key is testing the constraint's key.
    already_open = EarlyWarning.objects.open().filter(rule=rule, **{f"{fk}_id": OuterRef("pk")})
    rows = (
        matching.filter(~Exists(already_open))
        .annotate(warning_area_id=_registration_area_id("area__path"))
        .order_by("pk")
        .values_list("pk", "warning_area_id", "supervising_unit_id")
    )
    created = EarlyWarning.objects.bulk_create(
        [
            EarlyWarning(
                rule=rule,
                subject_key=f"{prefix}:{pk}",
                area_id=area_id,
                supervising_unit_id=unit_id,
                opened_on=today,
                **{f"{fk}_id": pk},
            )
            for pk, area_id, unit_id in rows
        ],
        batch_size=500,
    )
    return len(created)


def _follow_records() -> int:
    """Keep each open warning's area and supervising unit those of its record.

    Scope is decided on the warning's own columns, so a record that moved to
    another district or unit must take its open warnings (and their
    rectification notes) with it, or the wrong office would see them.
    """
    moved = 0
    for model in (PartyOrganization, SocialOrganization):
        _prefix, fk = _subject(model)
        record = model.objects.filter(pk=OuterRef(f"{fk}_id")).order_by()
        current_area = Subquery(record.values(a=_registration_area_id("area__path"))[:1])
        current_unit = Subquery(record.values("supervising_unit_id")[:1])
        moved += (
            EarlyWarning.objects.open()
            .filter(**{f"{fk}__isnull": False})
            # Coalesce: "no unit" must compare equal to "no unit", which NULL does not.
            .alias(
                area_now=current_area,
                unit_before=Coalesce("supervising_unit_id", Value(0)),
                unit_now=Coalesce(current_unit, Value(0)),
            )
            .filter(~Q(area_id=F("area_now")) | ~Q(unit_before=F("unit_now")))
            .update(area_id=current_area, supervising_unit_id=current_unit)
        )
    return moved


def _serialise_scans() -> None:
    # The 03:00 beat and a recount's trigger may overlap: both would see the
    # same record without an open warning, and the second INSERT would then
    # hit the partial unique index and roll its whole scan back. The lock is
    # released with the transaction. SQLite serialises writers on its own.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_ID])


@transaction.atomic
def warning_scan(*, today: dt.date | None = None) -> dict[str, int]:
    """Open a warning for every record a rule holds for and clear those whose
    rule no longer holds. Returns "<rule>_opened" and "<rule>_closed" counts,
    their totals "opened" and "closed", and "moved" (open warnings whose
    record changed area or supervising unit)."""
    today = today or timezone.localdate()
    _serialise_scans()
    result: dict[str, int] = {}
    for rule, condition in RULES.items():
        matching = condition(today)
        # Clear first: a cleared warning frees the (rule, record) slot only
        # for a later scan, never for this one, since the record no longer matches.
        result[f"{rule}_closed"] = _close_cleared(rule, matching, today)
        result[f"{rule}_opened"] = _open_new(rule, matching, today)
    result["opened"] = sum(result[f"{rule}_opened"] for rule in RULES)
    result["closed"] = sum(result[f"{rule}_closed"] for rule in RULES)
    result["moved"] = _follow_records()
    return result


def warning_scan_after_recount(run: RecountRun) -> None:
    """Queue a scan once a recount has succeeded: the recount is when records
    have just been re-checked, so that is when warnings should catch up."""
    if run.status == RecountRun.Status.SUCCEEDED:
        enqueue(SCAN_TASK)


# --- Rectification (整改) ---------------------------------------------------


@transaction.atomic
def warning_rectify(
    *, actor: User, warning: EarlyWarning, note: str, started_on: dt.date | None, due_on: dt.date | None
) -> EarlyWarning:
    """Record what is being done about a warning and by when.

    The warning stays open: it clears only when a scan finds its rule no
    longer holds, whatever the notes say.
    """
    if not actor.can_edit_records:
        raise PermissionDenied(_("You may read these records but not change them."))
    if not EarlyWarning.objects.for_user(actor).filter(pk=warning.pk).exists():
        raise PermissionDenied(_("This warning lies outside your area of responsibility."))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Describe the rectification measures.")
    if started_on and started_on > timezone.localdate():
        errors["started_on"] = _("The rectification cannot start in the future.")
    if started_on and due_on and due_on < started_on:
        errors["due_on"] = _("The rectification due date cannot precede its start.")
    if errors:
        raise ValidationError(errors)
    warning.rectification_note = note
    warning.rectification_started_on = started_on
    warning.rectification_due_on = due_on
    warning.rectification_updated_by = actor
    warning.save(
        update_fields=[
            "rectification_note",
            "rectification_started_on",
            "rectification_due_on",
            "rectification_updated_by",
        ]
    )
    return warning


# --- Reads for the warning pages -------------------------------------------


def warning_rows() -> QuerySet[EarlyWarning]:
    """The warning list: every column the table shows, in one query."""
    return EarlyWarning.objects.select_related(
        "area", "supervising_unit", "party_organization", "organization"
    ).annotate(subject_name=Coalesce("party_organization__name", "organization__name"))


def warning_detail() -> QuerySet[EarlyWarning]:
    return warning_rows().select_related("rectification_updated_by", "party_organization__area", "organization__area")
