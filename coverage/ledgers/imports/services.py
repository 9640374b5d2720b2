"""The ledger import's services, one step each:

- ``ledger_import_preview`` stores the upload as a LedgerImport row and checks
  it; nothing else is written. Whole files that are not what they claim are
  refused; otherwise every problem is listed by row and column.
- ``ledger_import_check`` re-reads a stored file against the records as they
  are now (the preview page calls it, so problems come in the reader's language).
- ``ledger_import_run`` imports a clean file all-or-nothing in one transaction,
  writing the organisations through organizations.services.organizations_import.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require
from coverage.ledgers.services import Owner, ledger_owner
from coverage.models import LedgerImport, Period
from organizations.models import Area, SocialOrganization, SupervisingUnit
from organizations.services import organizations_import

from .checking import BATCH, CheckResult, RowChecker
from .columns import WRITTEN_FIELDS
from .parsing import FileRefused, read_rows, refuse_size

if TYPE_CHECKING:
    from accounts.models import User


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
    """Read and check a file for `target` against the records as they are now;
    writes nothing. The caller has settled the target (import_target for an
    upload, the stored row's own for a stored file), so that leadership may
    read a stored import's check without the right to import."""
    try:
        header, rows = read_rows(file_name, content)
    except FileRefused as exc:
        return CheckResult(refused=exc.problem)
    return RowChecker(actor, target).check(header, rows)


def ledger_import_preview(
    *,
    actor: User,
    period: Period,
    file_name: str,
    content: bytes,
    area: Area | None = None,
    supervising_unit: SupervisingUnit | None = None,
) -> tuple[LedgerImport, CheckResult]:
    """Keep the upload and check it. Only the LedgerImport row is written.

    A file over the size limit is refused outright and not stored: keeping it
    would defeat the limit.
    """
    target = import_target(actor=actor, area=area, supervising_unit=supervising_unit)
    refuse_size(content)
    result = ledger_import_check(actor=actor, file_name=file_name, content=content, target=target)
    ledger_import = LedgerImport.objects.create(
        period=period,
        area=target.area,
        supervising_unit=target.supervising_unit,
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        status=LedgerImport.Status.PREVIEWED if result.ok else LedgerImport.Status.REJECTED,
        row_count=result.row_count,
        error_count=len(result.all_problems),
    )
    return ledger_import, result


def stored_check(*, actor: User, ledger_import: LedgerImport) -> CheckResult:
    return ledger_import_check(
        actor=actor,
        file_name=ledger_import.file_name,
        content=bytes(ledger_import.content),
        target=Owner(ledger_import.area, ledger_import.supervising_unit),
    )


@transaction.atomic
def ledger_import_run(*, actor: User, ledger_import: LedgerImport) -> LedgerImport:
    """Import a checked file: create new organisations, update changed ones,
    leave identical ones alone. All or nothing."""
    require(actor, Action.IMPORT, ledger_import)
    # The row lock makes a double click import once: the second request waits,
    # then finds the file already imported.
    ledger_import = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if ledger_import.status != LedgerImport.Status.PREVIEWED:
        raise ValidationError(
            _("This file is %(status)s and cannot be imported.") % {"status": ledger_import.get_status_display()},
            code="status",
        )
    # Checked again: the records may have changed since the preview.
    result = stored_check(actor=actor, ledger_import=ledger_import)
    if not result.ok:
        raise ValidationError(
            _("The file has %(n)s problems; nothing was imported.") % {"n": len(result.all_problems)}, code="problems"
        )
    existing: dict[str, SocialOrganization] = {}
    codes = [fields["credit_code"] for _number, fields in result.rows]
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        existing.update((o.credit_code, o) for o in SocialOrganization.objects.filter(credit_code__in=chunk))
    creates: list[SocialOrganization] = []
    updates: list[SocialOrganization] = []
    changed_fields: set[str] = set()
    for _number, fields in result.rows:
        organization = existing.get(fields["credit_code"])
        if organization is None:
            creates.append(SocialOrganization(**fields))
            continue
        changed = {name for name in WRITTEN_FIELDS if getattr(organization, name) != fields[name]}
        if changed:
            for name in changed:
                setattr(organization, name, fields[name])
            changed_fields |= changed
            updates.append(organization)
    try:
        created, updated = organizations_import(
            actor=actor, creates=creates, updates=updates, update_fields=sorted(changed_fields)
        )
    except IntegrityError as exc:
        # Someone registered one of these codes, or broke a constraint, since
        # the check: the transaction rolls back and the user tries again.
        raise ValidationError(
            _("The records changed while importing; nothing was imported. Check the file again."), code="conflict"
        ) from exc
    ledger_import.status = LedgerImport.Status.IMPORTED
    ledger_import.created_count = created
    ledger_import.updated_count = updated
    ledger_import.unchanged_count = len(result.rows) - created - updated
    ledger_import.error_count = 0
    ledger_import.save(update_fields=["status", "created_count", "updated_count", "unchanged_count", "error_count"])
    return ledger_import
