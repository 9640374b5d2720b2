"""What is wrong with a ledger file, where, in words chosen when it is read.

A check is stored once and read for days, by people who read Chinese or
English. So a problem is kept as a code and its parameters, and its message
is written at display time in the reader's language (`Problem.message`).
The import's own problems have their words here. The model's own messages
(its validators, its clean()) and the credit-code warnings are the model's
words: they are rendered once in every language the site speaks and stored
as `texts`, because some arrive already formatted and cannot be rendered again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The import's own problems: code → message, with %(name)s parameters.
MESSAGES: dict[str, Promise] = {
    # Whole files.
    "too_large": _(
        "The file is %(size)s MB; files of more than %(limit)s MB are not accepted. "
        "Split the ledger into smaller files."
    ),
    "extension": _("Upload the ledger as an .xlsx or .csv file."),
    "not_xlsx": _(
        "This file is named .xlsx but is not an Excel workbook. Save it from Excel as “Excel Workbook (*.xlsx)”."
    ),
    "not_csv": _("This file is named .csv but is not a text file. Save it from Excel as “CSV (comma delimited)”."),
    "bad_csv": _("This CSV file cannot be read: %(error)s"),
    "zip_bomb": _("This workbook unpacks to an implausible size; it is not accepted."),
    "too_many_rows": _("The file has more than %(limit)s data rows. Split the ledger into smaller files."),
    "too_many_columns": _(
        "Row %(row)s has a value in column %(column)s; the ledger template has %(count)s columns "
        "and a file may use at most %(limit)s. Delete the extra columns."
    ),
    "empty": _("The file is empty: the first row must hold the template's column names."),
    "no_rows": _("The file has no data rows."),
    "check_failed": _("The file could not be checked. Upload it again; if this happens again, tell the administrator."),
    "check_not_queued": _(
        "The file could not be checked now: the task queue cannot be reached. Upload it again later; "
        "if this happens again, tell the system administrator."
    ),
    # An import that failed and wrote nothing.
    "import_conflict": _("The records changed while importing; nothing was imported. Try again."),
    "import_failed": _("The import failed and wrote nothing. Try again; if it fails again, tell the administrator."),
    "import_denied": _("You may not import this file; nothing was imported."),
    "import_not_queued": _(
        "The import could not start: the task queue cannot be reached. Nothing was imported; try again later."
    ),
    # The header row.
    "duplicate_column": _("The column “%(column)s” appears twice."),
    "unknown_column": _("“%(column)s” is not a column of the ledger template."),
    "missing_column": _("The column “%(column)s” is missing; use the ledger template."),
    # Cells.
    "required": _("This cell is required."),
    "not_integer": _("Give a whole number."),
    # Plausibility bounds (ui.bounds), the same words as the forms'.
    "number_too_large": _("Give at most %(limit)s."),
    "date_too_early": _("Give a date on or after %(date)s."),
    "date_too_late": _("Give a date on or before %(date)s."),
    "control_characters": _("Remove the invisible control characters."),
    "invisible": _("Write something visible; blank characters alone are not a value."),
    "bad_phone": _("Give a phone number of digits, such as 029-87654321 or 13800000000."),
    "bad_date": _("Not a date; write it as 2020-12-31."),
    "future_date": _("This date lies in the future."),
    "unknown_choice": _("“%(value)s” is not one of: %(allowed)s."),
    "unknown_area": _("There is no registration area named “%(name)s”."),
    "area_scope": _("%(name)s lies outside the area of this import (%(target)s)."),
    # 住所所在街道/社区: a sub-district or community under the row's registration area.
    "unknown_location": _("There is no sub-district or community named “%(name)s”."),
    "location_scope": _("“%(name)s” lies in %(where)s, not in %(area)s, the registration area (登记区域) of this row."),
    "ambiguous_location": _(
        "%(area)s has %(count)s sub-districts or communities named “%(name)s”; "
        "write the community with its sub-district, as 街道/社区 (such as %(example)s)."
    ),
    "unit_missing": _("Give the supervising unit: this import is for %(target)s."),
    "unknown_unit": _("There is no supervising unit named “%(name)s”."),
    "unit_scope": _("%(name)s lies outside the supervising unit of this import (%(target)s)."),
    "example_row": _("This is the template's example row; delete it."),
    "duplicate": _("This credit code already appears in row %(row)s."),
    "org_scope": _("An organisation with this credit code is registered outside your area of responsibility."),
}
# One rule, one message, but a code per column: a choice the cell must hold.
WORDING = {
    "unknown_category": "unknown_choice",
    "unknown_status": "unknown_choice",
    "unknown_setup_path": "unknown_choice",
}


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel numbers it: the header is row 1; 0 for the file as a whole
    column: str  # the template header, "" for the file as a whole
    code: str
    # The message's parameters, or {"texts": {language: message}} for the model's own words.
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        return render(WORDING.get(self.code, self.code), self.params)


def render(key: str, params: dict[str, Any]) -> str:
    """The message in the active language."""
    texts = params.get("texts")
    if texts is not None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
    template = MESSAGES.get(key)
    if template is None:
        return key
    return str(template) % params if params else str(template)


def in_every_language(words: Callable[[], Any]) -> dict[str, Any]:
    """What `words()` returns in each language the site speaks."""
    found: dict[str, Any] = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            found[language] = words()
    return found
