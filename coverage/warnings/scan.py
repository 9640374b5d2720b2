"""The early-warning scan: open a warning for every record a rule holds for,
clear those whose rule no longer holds.

The scan compares each rule's set with the open warnings of the rule in SQL:
records without an open warning get one (one bulk INSERT), open warnings
whose record left the set are cleared (one UPDATE). The number of statements
depends on the number of rules, never on the number of records, and a second
run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import StartsWith

from coverage.models import EarlyWarning, RecountRun
from dashboard import tallies
from notices import announce
from organizations.models import Area, PartyOrganization, SocialOrganization
from xian_partybuild import clock
from xian_partybuild.celery import enqueue

from .rules import RULES

# The Celery task that runs warning_scan (coverage/tasks.py), queued by name.
SCAN_TASK = "coverage.tasks.warning_scan"
# Any constant will do as long as nothing else in the database uses it.
SCAN_LOCK_ID = 0x59_4A_57_41  # "YJWA", 预警


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


def _open_new(rule: str, matching: QuerySet, today: dt.date) -> list[EarlyWarning]:
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
    return created


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
    today = today or clock.today()
    _serialise_scans()
    result: dict[str, int] = {}
    opened: list[EarlyWarning] = []
    for rule, condition in RULES.items():
        matching = condition(today)
        # Clear first: a cleared warning frees the (rule, record) slot only
        # for a later scan, never for this one, since the record no longer matches.
        result[f"{rule}_closed"] = _close_cleared(rule, matching, today)
        created = _open_new(rule, matching, today)
        result[f"{rule}_opened"] = len(created)
        opened += created
    result["opened"] = sum(result[f"{rule}_opened"] for rule in RULES)
    result["closed"] = sum(result[f"{rule}_closed"] for rule in RULES)
    result["moved"] = _follow_records()
    # Bulk writes send no signals: the dashboard's warning tally is rebuilt here, in the scan's transaction.
    tallies.rebuild_warnings()
    # The officials of each new warning's scope are told, in the scan's transaction.
    announce.warnings_opened(opened)
    return result


def warning_scan_after_recount(run: RecountRun) -> None:
    """Queue a scan once a recount of the half-year we live in has succeeded:
    the records have just been re-checked, so warnings should catch up.

    A past half-year's recount queues nothing: warnings are opened and
    cleared as of the clock's today only, so recounting history rewrites that
    half-year's snapshots and nothing else."""
    period = run.period
    if run.status == RecountRun.Status.SUCCEEDED and period.start <= clock.today() <= period.end:
        enqueue(SCAN_TASK)
