"""What an import does with each stored row, against the records as they
are now: create it, update the fields that changed, or leave it alone; and
the rows kept afterwards as the list of what was done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from coverage.models import LedgerImportRow
from organizations.models import MUST_ESTABLISH_MEMBERS, SocialOrganization
from xian_partybuild import clock

from .checking import QUERY_CHUNK
from .columns import POLITICAL_FIELDS, WRITTEN_FIELDS, political_changed, political_now
from .store import model_values

Kind = LedgerImportRow.Kind


def gap(fields: dict, today: dt.date) -> bool:
    """Whether a new organisation is 应建未建 today, as refresh_coverage would
    store it (no party organisation can cover a row not yet written). Only a
    saving: written right, the refresh that follows leaves the row alone
    instead of writing it twice; written wrong, the refresh corrects it."""
    deregistered = fields["deregistered_on"]
    return (
        fields["status"] == SocialOrganization.Status.ACTIVE
        and fields["registered_on"] <= today
        and (deregistered is None or deregistered > today)
        and fields["formal_party_members"] >= MUST_ESTABLISH_MEMBERS
    )


@dataclass
class Plan:
    """What one chunk of rows does: new organisations, changed ones (the
    primary key and the file's values: only `changed_fields` are written),
    the indicators to store (credit code → the fields the file gives, for
    the organisations whose indicators change) and the rows that update."""

    creates: list[SocialOrganization] = field(default_factory=list)
    updates: list[SocialOrganization] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    political: dict[str, dict[str, Any]] = field(default_factory=dict)
    updated: int = 0


def plan(existing: dict[str, tuple], stored: Iterable[tuple[int, str, dict]], replanned: dict[str, list[int]]) -> Plan:
    """The chunk's plan, from the stored rows and the records' current values
    (pk, *WRITTEN_FIELDS, *POLITICAL_LOOKUPS) by credit code. A row whose
    kind is not what the check found (a record changed in between) is added
    to `replanned` under the kind it now has."""
    done = Plan()
    today = clock.today()
    nothing = political_now([None] * len(POLITICAL_FIELDS))
    for number, planned, values in stored:
        fields = model_values(values)
        given = {name: fields.pop(name) for name in POLITICAL_FIELDS if name in fields}
        current = existing.get(fields["credit_code"])
        if current is None:
            done.creates.append(SocialOrganization(**fields, current_must_establish_gap=gap(fields, today)))
            kind = Kind.CREATE
            # No row is no indicator: a new organisation gets one only for an indicator that holds.
            if political_changed(nothing, given):
                done.political[fields["credit_code"]] = given
        else:
            # A field the row lacks (an optional column the file left out) is not given: kept as it is.
            written = current[1 : 1 + len(WRITTEN_FIELDS)]
            changed = {
                name
                for name, value in zip(WRITTEN_FIELDS, written, strict=True)
                if name in fields and value != fields[name]
            }
            political = political_changed(political_now(current[1 + len(WRITTEN_FIELDS) :]), given)
            kind = Kind.UPDATE if changed or political else Kind.UNCHANGED
            if changed:
                done.changed_fields |= changed
                done.updates.append(SocialOrganization(pk=current[0], **fields))
            if political:
                done.political[fields["credit_code"]] = given
            done.updated += kind == Kind.UPDATE
        if kind != planned:
            replanned.setdefault(kind, []).append(number)
    return done


def record_done(rows, replanned: dict[str, list[int]]) -> None:
    """Keep the rows as the list of what the import did: each row's kind as
    done and its record (set-based: a new record's key by its code)."""
    for kind, numbers in replanned.items():
        for start in range(0, len(numbers), QUERY_CHUNK):
            rows.filter(number__in=numbers[start : start + QUERY_CHUNK]).update(kind=kind)
    by_code = SocialOrganization.objects.filter(credit_code=OuterRef("credit_code")).values("pk")[:1]
    rows.filter(Q(organization__isnull=True) | Q(kind=Kind.CREATE)).update(organization_id=Subquery(by_code))
