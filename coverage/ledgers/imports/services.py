"""The ledger import's services, one step each:

- ``ledger_import_upload`` keeps the upload as a LedgerImport row and queues
  its check (``ledger_import_check_stored``, a task: 100,000 rows take longer
  than a web request should). The check runs once; its result is stored.
- ``ledger_import_queue`` queues the import of a clean file; the task runs
  ``ledger_import_run``, which writes all-or-nothing in one transaction from
  the stored rows, through organizations.services.organizations_import,
  after checking again, set-based, only what can have changed since the check.
- ``ledger_imports_expire`` deletes the files (and stored rows) of uploads
  never imported after RETENTION; an import deletes its file at once and
  keeps its rows, the list of what it did, for RETENTION.
- ``ledger_import_check`` checks a file in memory and stores nothing (a test
  compares it with the stored check); ``ledger_import_preview`` uploads and
  checks in this process (tests, the benchmark).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Action, require
from audit import recording as audit
from coverage.ledgers.services import Owner, ledger_owner
from coverage.models import LedgerImport, LedgerImportProblem, LedgerImportRow, Period
from organizations.coverage_state import refresh_coverage
from organizations.models import Area, SocialOrganization, SupervisingUnit
from organizations.services import organizations_import
from political.models import PoliticalBuilding
from xian_partybuild import clock
from xian_partybuild.celery import enqueue

from . import plan
from .checking import CheckResult, RowChecker
from .columns import COLUMN_OF_FIELD, POLITICAL_LOOKUPS, WRITTEN_FIELDS
from .parsing import FileRefused, open_file, refuse_size
from .problems import Problem
from .store import CheckWriter, stored_result

if TYPE_CHECKING:
    from collections.abc import Iterable

CHECK_TASK = "coverage.tasks.ledger_import_check"
IMPORT_TASK = "coverage.tasks.ledger_import_run"
# How long the bytes and the check of a file never imported are kept: a
# week covers an upload on Friday imported after the weekend, and no more.
RETENTION = dt.timedelta(days=7)
# Rows written through organizations_import at a time, in the one transaction.
IMPORT_CHUNK = 10_000
# Indicator rows a statement (SQLite's parameter limit: 7 columns a row).
POLITICAL_BATCH = 500
Status = LedgerImport.Status
Kind = LedgerImportRow.Kind
PLANNED = (Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED)
logger = logging.getLogger(__name__)


def import_target(*, actor: User, area: Area | None = None, supervising_unit: SupervisingUnit | None = None) -> Owner:
    """Where an upload goes: a district official's own area, an industry
    committee's own unit; the organisation department chooses one."""
    require(actor, Action.IMPORT, LedgerImport)
    own = ledger_owner(actor)
    if own is None:  # chooses_target(actor)
        if (area is None) == (supervising_unit is None):
            raise ValidationError(_("Choose either an area or a supervising unit to import into."), code="target")
        return Owner(area, supervising_unit)
    if own.area is not None and ((area is not None and area != own.area) or supervising_unit is not None):
        raise PermissionDenied(_("You can import only into your own area."))
    if own.supervising_unit is not None and (
        area is not None or (supervising_unit is not None and supervising_unit != own.supervising_unit)
    ):
        raise PermissionDenied(_("You can import only the organisations of your own supervising unit."))
    return own


def ledger_import_check(*, actor: User, file_name: str, content: bytes, target: Owner) -> CheckResult:
    """Read and check a file for `target` against the records as they are now,
    in memory; writes nothing."""
    try:
        ledger_file = open_file(file_name, content)
    except FileRefused as exc:
        return CheckResult(refused=exc.problem)
    return RowChecker(actor, target).check_file(ledger_file)


def _store(
    *,
    actor: User,
    period: Period,
    file_name: str,
    content: bytes,
    area: Area | None,
    supervising_unit: SupervisingUnit | None,
) -> LedgerImport:
    target = import_target(actor=actor, area=area, supervising_unit=supervising_unit)
    # A file over the size limit is refused outright and not stored: keeping
    # it would defeat the limit.
    refuse_size(content)
    return LedgerImport.objects.create(
        period=period,
        area=target.area,
        supervising_unit=target.supervising_unit,
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=Status.CHECKING,
    )


def ledger_import_upload(
    *,
    actor: User,
    period: Period,
    file_name: str,
    content: bytes,
    area: Area | None = None,
    supervising_unit: SupervisingUnit | None = None,
) -> LedgerImport:
    """Keep the upload and queue its check; nothing else is written."""
    record = _store(
        actor=actor, period=period, file_name=file_name, content=content, area=area, supervising_unit=supervising_unit
    )
    enqueue(CHECK_TASK, import_id=record.pk, on_failure=lambda _exc: _check_not_queued(record))
    return record


def _check_not_queued(record: LedgerImport) -> None:
    """The broker refused the check: the upload is refused with the reason at
    once (its page would otherwise say "being checked" for ever)."""
    writer = CheckWriter(record)
    writer.problems([Problem(0, "", "check_not_queued")])
    LedgerImport.objects.filter(pk=record.pk, status=Status.CHECKING).update(status=Status.REJECTED, error_count=1)


def ledger_import_preview(
    *,
    actor: User,
    period: Period,
    file_name: str,
    content: bytes,
    area: Area | None = None,
    supervising_unit: SupervisingUnit | None = None,
) -> tuple[LedgerImport, CheckResult]:
    """Upload and check in this process; returns the import and its stored check."""
    record = _store(
        actor=actor, period=period, file_name=file_name, content=content, area=area, supervising_unit=supervising_unit
    )
    record = ledger_import_check_stored(import_id=record.pk)
    return record, stored_result(record)


def _progress(record: LedgerImport, **fields) -> None:
    # Outside any transaction in a worker, so that the polling page sees it.
    LedgerImport.objects.filter(pk=record.pk, status=Status.CHECKING).update(**fields)


def ledger_import_check_stored(*, import_id: int) -> LedgerImport:
    """Check an uploaded file once, as its uploader, and store the result.

    Idempotent: a check already finished is left alone; one interrupted
    (a worker lost) starts again from nothing. Rows are written as they are
    checked, so memory stays flat whatever the file's length.
    """
    record = LedgerImport.objects.select_related("area", "supervising_unit", "uploaded_by").get(pk=import_id)
    if record.status != Status.CHECKING:
        return record
    writer = CheckWriter(record)
    writer.clear()
    row_count = 0
    planned = dict.fromkeys(PLANNED, 0)
    try:
        ledger_file = open_file(record.file_name, bytes(record.content))
        _progress(record, expected_count=ledger_file.expected_rows, checked_count=0)
        checker = RowChecker(record.uploaded_by, Owner(record.area, record.supervising_unit))
        index, header_problems = checker.header(ledger_file.header)
        if header_problems:
            for _row in ledger_file.rows:  # a refusal of the whole file comes before its header's problems
                row_count += 1
            writer.problems(header_problems)
        else:
            for batch in checker.batches(index, ledger_file.rows):
                writer.batch(batch)
                for kind, _pk in batch.plans.values():
                    planned[kind] += 1
                row_count += batch.row_count
                _progress(record, checked_count=row_count)
    except FileRefused as exc:
        writer.clear()
        writer.problems([exc.problem])
        row_count = 0
        planned = dict.fromkeys(PLANNED, 0)
    except OperationalError:
        raise  # the database is away: the task retries the whole check
    except Exception:
        # A bug or a file we did not foresee: say so on the page instead of
        # checking for ever; the log has the details.
        logger.exception("Checking ledger import %s failed", record.pk)
        writer.clear()
        writer.problems([Problem(0, "", "check_failed")])
        row_count = 0
        planned = dict.fromkeys(PLANNED, 0)
    errors = writer.counts[LedgerImportProblem.Severity.ERROR]
    LedgerImport.objects.filter(pk=record.pk, status=Status.CHECKING).update(
        status=Status.REJECTED if errors else Status.PREVIEWED,
        row_count=row_count,
        checked_count=row_count,
        error_count=errors,
        warning_count=writer.counts[LedgerImportProblem.Severity.WARNING],
        checked_at=clock.now(),
        # What the import would do, as the check found it: the preview's
        # counts by kind (the import stores what it did in their place).
        created_count=planned[Kind.CREATE],
        updated_count=planned[Kind.UPDATE],
        unchanged_count=planned[Kind.UNCHANGED],
    )
    record.refresh_from_db()
    return record


# Import ------------------------------------------------------------------------


class ImportConflict(ValidationError):
    """The records changed since the check in a way that stops the import: the rows where."""

    def __init__(self, problems: list[Problem]):
        super().__init__(
            _("The records changed since the check; nothing was imported. Check the file again."), code="conflict"
        )
        self.problems = problems


def ledger_import_queue(*, actor: User, ledger_import: LedgerImport) -> LedgerImport:
    """Queue the import of a checked, clean file. Only one queueing wins: a
    double click queues once."""
    require(actor, Action.IMPORT, ledger_import)
    queued = LedgerImport.objects.filter(pk=ledger_import.pk, status=Status.PREVIEWED, error_count=0).update(
        status=Status.IMPORTING, failure=""
    )
    ledger_import.refresh_from_db()
    if not queued:
        raise _not_importable(ledger_import)
    enqueue(
        IMPORT_TASK,
        import_id=ledger_import.pk,
        actor_id=actor.pk,
        on_failure=lambda _exc: _failed(ledger_import, "import_not_queued"),
    )
    return ledger_import


def _not_importable(ledger_import: LedgerImport) -> ValidationError:
    return ValidationError(
        _("This file is %(status)s and cannot be imported.") % {"status": ledger_import.get_status_display()},
        code="status",
    )


def ledger_import_run_queued(*, import_id: int, actor_id: int) -> LedgerImport:
    """The task's side of ledger_import_queue: run it once. A failure that is
    not the file's returns it to "checked", with the reason, to be tried again."""
    record = LedgerImport.objects.get(pk=import_id)
    if record.status != Status.IMPORTING:
        return record  # imported already: a redelivered task
    try:
        return ledger_import_run(actor=User.objects.get(pk=actor_id), ledger_import=record)
    except ImportConflict:
        pass  # stored on the import: rejected, with the rows whose records changed
    except ValidationError as exc:
        _failed(record, "import_conflict" if exc.code == "conflict" else "import_failed")
    except (PermissionDenied, User.DoesNotExist):
        _failed(record, "import_denied")
    except Exception:
        logger.exception("Importing ledger import %s failed", record.pk)
        _failed(record, "import_failed")
    record.refresh_from_db()
    return record


def _failed(record: LedgerImport, reason: str) -> None:
    LedgerImport.objects.filter(pk=record.pk, status=Status.IMPORTING).update(status=Status.PREVIEWED, failure=reason)


def ledger_import_run(*, actor: User, ledger_import: LedgerImport) -> LedgerImport:
    """Import a checked file from its stored rows: create new organisations,
    update changed ones, leave identical ones alone. All or nothing; rows
    whose records changed since the check are stored as problems and the
    file is rejected."""
    require(actor, Action.IMPORT, ledger_import)
    try:
        return _import(actor, ledger_import.pk)
    except ImportConflict as exc:
        _reject(ledger_import.pk, exc.problems)
        raise


def _reject(pk: int, problems: list[Problem]) -> None:
    with transaction.atomic():
        record = LedgerImport.objects.select_for_update().get(pk=pk)
        LedgerImportProblem.objects.filter(ledger_import=record).delete()
        CheckWriter(record).problems(problems)
        # The rows stay listed, those in conflict as rows with problems (one
        # each, in row order: its position is its place in the list).
        rows = LedgerImportRow.objects.filter(ledger_import=record)
        for position, problem in enumerate(problems):
            rows.filter(number=problem.row).update(kind=Kind.ERROR, first_problem=position)
        counts = dict(rows.order_by().values_list("kind").annotate(n=Count("pk")))
        record.status = Status.REJECTED
        record.error_count = len(problems)
        record.warning_count = 0
        record.created_count = counts.get(Kind.CREATE, 0)
        record.updated_count = counts.get(Kind.UPDATE, 0)
        record.unchanged_count = counts.get(Kind.UNCHANGED, 0)
        record.save(
            update_fields=[
                "status",
                "error_count",
                "warning_count",
                "created_count",
                "updated_count",
                "unchanged_count",
            ]
        )


def _conflicts(actor: User, rows) -> list[Problem]:
    """Rows whose code has been registered outside the actor's scope since
    the check: the one rule of the check that other people's writes can
    break (areas and units are foreign keys; the rest is the file's own)."""
    same_code = SocialOrganization.objects.filter(credit_code=OuterRef("credit_code"))
    found = (
        rows.filter(Exists(same_code))
        .exclude(Exists(SocialOrganization.objects.for_user(actor).filter(credit_code=OuterRef("credit_code"))))
        .order_by("number")
        .values_list("number", flat=True)
    )
    header = COLUMN_OF_FIELD["credit_code"].header
    return [Problem(number, header, "org_scope") for number in found]


@transaction.atomic
def _import(actor: User, pk: int) -> LedgerImport:
    # The row lock makes a double click import once: the second request waits,
    # then finds the file already imported.
    record = LedgerImport.objects.select_for_update().get(pk=pk)
    if record.status not in (Status.PREVIEWED, Status.IMPORTING):
        raise _not_importable(record)
    if record.error_count:
        raise ValidationError(
            _("The file has %(n)s problems; nothing was imported.") % {"n": record.error_count}, code="problems"
        )
    rows = LedgerImportRow.objects.filter(ledger_import=record)
    conflicts = _conflicts(actor, rows)
    if conflicts:
        raise ImportConflict(conflicts)
    created = updated = political = 0
    replanned: dict[str, list[int]] = {}
    for chunk in _chunks(rows):
        found = SocialOrganization.objects.filter(credit_code__in=chunk.values("credit_code"))
        existing = {
            row[1]: (row[0], *row[2:])
            for row in found.values_list("pk", "credit_code", *WRITTEN_FIELDS, *POLITICAL_LOOKUPS)
        }
        done = plan.plan(existing, chunk.order_by("number").values_list("number", "kind", "values"), replanned)
        try:
            organizations_import(
                actor=actor,
                creates=done.creates,
                updates=done.updates,
                # Field names (area, not area_id): what a write says it moved.
                update_fields=sorted({SocialOrganization._meta.get_field(name).name for name in done.changed_fields}),
                refresh=False,
            )
            political += _political_write(actor, done.political)
        except IntegrityError as exc:
            # Someone broke a constraint since the check (a code registered in
            # the meantime by a concurrent import): the transaction rolls back.
            raise ValidationError(
                _("The records changed while importing; nothing was imported. Check the file again."),
                code="conflict",
            ) from exc
        # An update is a row whose organisation or indicators changed.
        created, updated = created + len(done.creates), updated + done.updated
    if created or updated:
        # The stored coverage of every organisation written, in one set-based
        # UPDATE (which writes only the rows whose coverage changed).
        refresh_coverage(SocialOrganization.objects.filter(credit_code__in=rows.values("credit_code")))
    record.status = Status.IMPORTED
    record.created_count = created
    record.updated_count = updated
    record.unchanged_count = record.row_count - created - updated
    # The file has served its purpose; its rows say what was done (for RETENTION).
    record.content = b""
    record.content_deleted_at = clock.now()
    plan.record_done(rows, replanned)
    LedgerImportProblem.objects.filter(ledger_import=record).delete()
    record.save(
        update_fields=[
            "status",
            "created_count",
            "updated_count",
            "unchanged_count",
            "content",
            "content_deleted_at",
        ]
    )
    audit.record(
        kind=audit.Kind.IMPORT,
        user=actor,
        obj=record,
        details={
            "file": record.file_name,
            "sha256": record.sha256,
            "period": str(record.period_id),
            "rows": record.row_count,
            "created": created,
            "updated": updated,
            "unchanged": record.unchanged_count,
            # Organisations whose political-building indicators were written.
            "political": political,
        },
    )
    return record


def _political_write(actor: User, given: dict[str, dict]) -> int:
    """Store the indicators of a chunk's organisations (credit code → the
    fields its file gives), set-based: their keys in one query, the rows in
    one upsert a batch, which changes only the fields the file gives. The
    organisations are the actor's (the import checked them and wrote them);
    the import's audit entry stands for these writes, as for the organisations'."""
    if not given:
        return 0
    require(actor, Action.ADD, PoliticalBuilding)
    require(actor, Action.CHANGE, PoliticalBuilding)
    keys = dict(SocialOrganization.objects.filter(credit_code__in=list(given)).values_list("credit_code", "pk"))
    fields = sorted({name for values in given.values() for name in values})
    PoliticalBuilding.objects.bulk_create(
        [PoliticalBuilding(organization_id=keys[code], **values) for code, values in given.items()],
        batch_size=POLITICAL_BATCH,
        update_conflicts=True,
        unique_fields=["organization"],
        update_fields=[*fields, "updated_at"],
    )
    return len(given)


def _chunks(rows) -> Iterable:
    """The stored rows IMPORT_CHUNK at a time, as querysets by row number: the
    organisations of one chunk are in memory at a time, not the file's."""
    numbers = rows.order_by("number").values_list("number", flat=True)
    last = 0
    while True:
        bounds = list(numbers.filter(number__gt=last)[IMPORT_CHUNK - 1 : IMPORT_CHUNK])
        if not bounds:
            if numbers.filter(number__gt=last).exists():
                yield rows.filter(number__gt=last)
            return
        yield rows.filter(number__gt=last, number__lte=bounds[0])
        last = bounds[0]


# Retention ---------------------------------------------------------------------


def ledger_imports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the file and the stored check of every upload older than
    RETENTION that was never imported (returns how many), and the row list
    of every import done more than RETENTION ago. Safe to repeat."""
    now = now or clock.now()
    stale = LedgerImport.objects.filter(uploaded_at__lt=now - RETENTION, content_deleted_at__isnull=True)
    expired = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            # Locked one by one: an import that is running keeps its file.
            record = stale.select_for_update().filter(pk=pk).first()
            if record is None or record.status == Status.IMPORTED:
                continue
            LedgerImportRow.objects.filter(ledger_import=record).delete()
            LedgerImportProblem.objects.filter(ledger_import=record).delete()
            LedgerImport.objects.filter(pk=pk).update(
                status=Status.EXPIRED, content=b"", content_deleted_at=now, error_count=0, warning_count=0
            )
            expired += 1
    # An import's list of what it did, past the retention period too.
    done = LedgerImport.objects.filter(status=Status.IMPORTED, content_deleted_at__lt=now - RETENTION)
    LedgerImportRow.objects.filter(ledger_import__in=done).delete()
    return expired
