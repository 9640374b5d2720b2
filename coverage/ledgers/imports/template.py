"""The downloadable ledger template: the header and one example row (which a
file must not keep), as XLSX with an instructions sheet or as CSV."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from coverage.ledgers.services import ledger_owner
from organizations.creditcode import check_character
from organizations.models import Area, SocialOrganization
from ui.exports import neutralise

from .columns import CHOICES, COLUMNS, CROSS_FIELDS, EXAMPLE_ORG_CODE, HEADERS, POLITICAL_FIELDS, zh_label

if TYPE_CHECKING:
    from accounts.models import User


def _example_row(actor: User) -> list[str]:
    owner = ledger_owner(actor)
    area = owner.area if owner is not None else None
    if area is None:
        area = Area.objects.registration_areas().exclude(level=Area.Level.CITY).order_by("sort_order", "code").first()
    unit = owner.supervising_unit if owner is not None else None
    # A sub-district of the example's area (碑林区: 南院门街道), so that the row stays valid.
    place = (
        Area.objects.filter(level=Area.Level.SUBDISTRICT, path__startswith=area.path)
        .order_by("sort_order", "code")
        .first()
        if area
        else None
    )
    division = (area.division_code if area else "") or "610100"
    body = f"51{division}{EXAMPLE_ORG_CODE}"
    values = {
        "credit_code": body + check_character(body),
        "name": _("Example association (delete this row before importing)"),
        "category": zh_label(SocialOrganization.Category, SocialOrganization.Category.SOCIAL_GROUP),
        "area": area.name if area else "",
        "location": place.name if place else "",
        "supervising_unit": unit.name if unit else "",
        "registered_on": "2015-05-01",
        "staff_count": "20",
        "formal_party_members": "3",
        "status": zh_label(SocialOrganization.Status, SocialOrganization.Status.ACTIVE),
        "deregistered_on": "",
        "setup_path": zh_label(SocialOrganization.SetupPath, SocialOrganization.SetupPath.STANDALONE),
        "setup_contact": "张三",
        "setup_contact_phone": "029-88886666",
        # Political building: written into the charter, cross-appointed; the other two do not hold.
        "charter_on": "2018-07-01",
        "members_in_management": "2",
        "management_on_committee": "1",
        "cross_appointed_on": "2019-01-01",
        "secretary_meetings_on": "",
        "consultation_on": "",
    }
    return [values[c.field] for c in COLUMNS]


def _political_note(name: str) -> str:
    """What a political-building cell holds (the political form's rules)."""
    if name.endswith("_on"):
        text = _(
            "The date since when the indicator holds, written as the other dates (2020-12-31), not in the "
            "future. A blank cell means it does not hold (and clears a date stored before)."
        )
    else:
        text = _("A whole number; a blank cell is 0.")
    if name in CROSS_FIELDS:
        text += " " + _(
            "Cross-appointed (交叉任职) needs both counts at least 1 and then the date since when; the three "
            "columns go together."
        )
    return text + " " + _("A file without this column leaves it unchanged.")


def template_csv(*, actor: User) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in HEADERS])
    writer.writerow([neutralise(v) for v in _example_row(actor)])
    # With a BOM, Chinese Excel opens UTF-8 CSV correctly.
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def template_xlsx(*, actor: User) -> bytes:
    import openpyxl  # noqa: PLC0415 - a heavy import only this download needs
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Ledger")
    sheet.append([neutralise(h) for h in HEADERS])
    sheet.append([neutralise(v) for v in _example_row(actor)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 20
        # An all-digit credit code or a phone number typed into a General
        # column becomes a number (and loses digits); text format keeps it.
        if column.field in ("credit_code", "setup_contact_phone"):
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=position).number_format = "@"
    notes = workbook.create_sheet(_("Instructions"))
    notes.append([neutralise(_("Column")), neutralise(_("Required")), neutralise(_("Allowed values"))])
    for column in COLUMNS:
        choices = CHOICES.get(column.field)
        values = "、".join(zh_label(choices, v) for v in choices.values) if choices else ""
        if column.field == "location":
            values = _(
                "A sub-district (街道) or community (社区) in the registration area (登记区域); write a community "
                "whose name repeats with its sub-district, as 街道/社区. A blank cell clears it; a file without "
                "this column leaves it unchanged."
            )
        elif column.field in POLITICAL_FIELDS:
            values = _political_note(column.field)
        notes.append([neutralise(column.header), _("Yes") if column.required else _("No"), neutralise(values)])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
