"""The ledger template: its columns, the choice labels its cells may use,
and where a problem is (row and column, as Excel numbers them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from organizations.models import SocialOrganization
from political.models import PoliticalBuilding


@dataclass(frozen=True)
class Column:
    header: str  # exactly as in the template's first row
    field: str  # the field of `model` it fills
    # What an empty cell means, where the import supplies a value; otherwise
    # an empty cell is left empty and the model says whether that is allowed.
    default: str | None = None
    # Whether a file may leave the column out: files made from older
    # templates lack it, and an absent column means "not given" (a new
    # record has none, an existing one keeps its value), unlike a blank cell.
    optional: bool = False
    # SocialOrganization, or PoliticalBuilding for the organisation's
    # political-building indicators (its row, made or changed by the import).
    model: type = SocialOrganization

    @property
    def required(self) -> bool:
        """Whether the template marks the column as required: the model's own rule."""
        return self.default is None and not self.model._meta.get_field(self.field).blank


# The file format is a contract with the districts' spreadsheets, so the
# headers are fixed text, not translations: they must not change when a
# translation does. (A test checks they match the model's zh-hans labels.)
COLUMNS = (
    Column("统一社会信用代码", "credit_code"),
    Column("名称", "name"),
    Column("类别", "category"),
    Column("登记区域", "area"),
    Column("住所所在街道/社区", "location", optional=True),
    Column("业务主管单位", "supervising_unit"),
    Column("登记日期", "registered_on"),
    Column("从业人员数", "staff_count"),
    Column("正式党员数", "formal_party_members"),
    Column("状态", "status"),
    Column("注销日期", "deregistered_on"),
    Column("党组织组建方式", "setup_path", default=SocialOrganization.SetupPath.PENDING),
    Column("党建联络人", "setup_contact"),
    Column("联系电话", "setup_contact_phone"),
    # Political building (issue 12), at the end: files from older templates
    # lack these columns and leave the indicators as they are. A blank cell
    # means "does not hold" (a count of 0), as the political form's blank does.
    Column("写入章程日期", "charter_on", optional=True, model=PoliticalBuilding),
    Column("管理层中的党员人数", "members_in_management", default="0", optional=True, model=PoliticalBuilding),
    Column(
        "进入党组织班子的管理层人数", "management_on_committee", default="0", optional=True, model=PoliticalBuilding
    ),
    Column("交叉任职起始日期", "cross_appointed_on", optional=True, model=PoliticalBuilding),
    Column("书记参加或列席重要会议起始日期", "secretary_meetings_on", optional=True, model=PoliticalBuilding),
    Column("沟通协商制度建立日期", "consultation_on", optional=True, model=PoliticalBuilding),
)
HEADERS = tuple(c.header for c in COLUMNS)
COLUMN_OF_FIELD = {c.field: c for c in COLUMNS}
# The fields an import writes; everything else on the record is left alone.
# A row read from a file without an optional column lacks its field: what
# the import compares and writes is only the fields the row has.
WRITTEN_FIELDS = (
    "name",
    "category",
    "area_id",
    "location_id",
    "supervising_unit_id",
    "registered_on",
    "staff_count",
    "formal_party_members",
    "status",
    "deregistered_on",
    "setup_path",
    "setup_contact",
    "setup_contact_phone",
)
# The PoliticalBuilding fields an import writes, where the file has their
# columns: a row's values carry them beside the organisation's.
POLITICAL_FIELDS = tuple(c.field for c in COLUMNS if c.model is PoliticalBuilding)
# The same, read through the organisation (None where it has no row yet).
POLITICAL_LOOKUPS = tuple(f"political__{name}" for name in POLITICAL_FIELDS)
# Cross-appointment is the two counts and the date together (the model's
# constraint): a file has the three columns or none of them.
CROSS_FIELDS = ("members_in_management", "management_on_committee", "cross_appointed_on")
POLITICAL_DATES = tuple(name for name in POLITICAL_FIELDS if name.endswith("_on"))


def political_now(values) -> dict[str, Any]:
    """An organisation's indicators as read through POLITICAL_LOOKUPS: no row
    is every indicator not holding (no dates, counts of 0)."""
    return {
        name: (value if value is not None or name.endswith("_on") else 0)
        for name, value in zip(POLITICAL_FIELDS, values, strict=True)
    }


def political_changed(current: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    """The indicator fields a row gives (its file's columns) that differ from the organisation's now."""
    return [name for name in POLITICAL_FIELDS if name in fields and current[name] != fields[name]]


# The cells that hold one of the model's choices.
CHOICES = {
    "category": SocialOrganization.Category,
    "status": SocialOrganization.Status,
    "setup_path": SocialOrganization.SetupPath,
}

# The organisation-code part of the template's example row: a row that still
# carries it was left in by mistake.
EXAMPLE_ORG_CODE = "MA0000001"


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel numbers it: the header is row 1; 0 for the file as a whole
    column: str  # the template header, "" for the file as a whole
    code: str
    message: str


def label_map(choices: type) -> dict[str, str]:
    """Cell text → stored value for a TextChoices: the zh-hans labels the
    template uses, plus the English labels and raw values, which cost nothing."""
    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        mapping[value] = value
        with translation.override("en"):
            mapping[str(label)] = value
        with translation.override("zh-hans"):
            mapping[str(label)] = value
    return mapping


def zh_label(choices: type, value: str) -> str:
    with translation.override("zh-hans"):
        return str(choices(value).label)
