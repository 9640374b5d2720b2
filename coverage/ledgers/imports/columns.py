"""The ledger template: its columns, the choice labels its cells may use,
and where a problem is (row and column, as Excel numbers them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from organizations.models import SocialOrganization


@dataclass(frozen=True)
class Column:
    header: str  # exactly as in the template's first row
    field: str  # SocialOrganization field it fills
    # What an empty cell means, where the import supplies a value; otherwise
    # an empty cell is left empty and the model says whether that is allowed.
    default: str | None = None
    # Whether a file may leave the column out: files made from older
    # templates lack it, and an absent column means "not given" (a new
    # record has none, an existing one keeps its value), unlike a blank cell.
    optional: bool = False

    @property
    def required(self) -> bool:
        """Whether the template marks the column as required: the model's own rule."""
        return self.default is None and not SocialOrganization._meta.get_field(self.field).blank


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
