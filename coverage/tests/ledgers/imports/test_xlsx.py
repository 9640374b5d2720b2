"""The streaming workbook reader (coverage.ledgers.imports.xlsx): the values openpyxl reads, faster, within limits."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from coverage.ledgers.imports.xlsx import NotReadable, Workbook
from coverage.tests.ledgers.files import xlsx_bytes, xlsx_bytes_fast

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(sheet_data, *, shared=None, styles=None, date1904=False, prefix="", sheet_name="xl/worksheets/s1.xml"):
    """A minimal workbook as Excel writes it: shared strings, styles, relationships."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
        ),
        "xl/workbook.xml": (
            f'<{p}workbook {ns} xmlns:r="{RELS}">'
            + (f'<{p}workbookPr date1904="1"/>' if date1904 else "")
            + f'<{p}sheets><{p}sheet name="台账" sheetId="1" r:id="rId7"/></{p}sheets></{p}workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId7" Type="{RELS}/worksheet" Target="/{sheet_name}"/>'
            f'<Relationship Id="rId8" Type="{RELS}/sharedStrings" Target="strings.xml"/>'
            f'<Relationship Id="rId9" Type="{RELS}/styles" Target="styles.xml"/></Relationships>'
        ),
        sheet_name: f"<{p}worksheet {ns}><{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>",
    }
    if shared is not None:
        parts["xl/strings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'
    if styles is not None:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def read(content, max_columns=50):
    workbook = Workbook(content, max_unpacked=200 * 1024 * 1024, max_ratio=100)
    try:
        return list(workbook.rows(max_columns=max_columns))
    finally:
        workbook.close()


def test_excel_style_workbook_shared_strings_styles_and_types():
    shared = (
        "<si><t>统一社会信用代码</t></si>"
        "<si><r><t>碑林区</t></r><r><t>书法家协会</t></r><rPh sb='0' eb='1'><t>ヒ</t></rPh></si>"
        "<si><t xml:space='preserve'> 存续 </t></si>"
    )
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="31"/></cellXfs>'
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3" s="1"><v>43921</v></c><c r="D3" s="2"><v>43922</v></c>'
        '<c r="E3" s="3"><v>44196</v></c><c r="F3"><v>12</v></c><c r="G3"><v>12.5</v></c><c r="H3" t="b"><v>1</v></c>'
        '<c r="I3" t="str"><f>A1</f><v>公式结果</v></c><c r="J3" t="inlineStr"><is><t>行内</t></is></c>'
        '<c r="K3" t="s"><v>2</v></c><c r="L3" t="e"><v>#N/A</v></c><c r="M3" s="1"/></row>'
    )
    rows = read(package(sheet, shared=shared, styles=styles))
    assert rows[0] == (1, ["统一社会信用代码"])
    number, values = rows[1]
    assert number == 3  # the row's own number, not its position: row 2 is missing
    assert values == [
        "碑林区书法家协会",  # runs joined, the phonetic guide left out
        None,
        dt.datetime(2020, 3, 31),  # noqa: DTZ001 - spreadsheet dates are naive, as openpyxl reads them
        dt.datetime(2020, 4, 1),  # noqa: DTZ001
        dt.datetime(2020, 12, 31),  # noqa: DTZ001 - 2020年12月31日, a zh-CN built-in format openpyxl does not know
        12,
        12.5,
        True,
        "公式结果",
        "行内",
        " 存续 ",
        "#N/A",
    ]


def test_prefixed_namespace_and_the_1904_calendar():
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = '<x:row r="1"><x:c r="B1" s="1"><x:v>366</x:v></x:c></x:row>'
    rows = read(package(sheet, styles=styles, date1904=True, prefix="x"))
    assert rows == [(1, [None, dt.datetime(1905, 1, 1)])]  # noqa: DTZ001


@pytest.mark.parametrize("writer", [xlsx_bytes, xlsx_bytes_fast])
def test_reads_what_openpyxl_reads(writer):
    values = [
        ["统一社会信用代码", "名称", "登记日期", "从业人员数"],
        ["51610103MA6TXXXX1X", "碑林区示范协会", dt.datetime(2019, 4, 1), 12],  # noqa: DTZ001
        [None, "", 3.5, True],
        ["=1+1", "'=2", "2020/9/30", -4],
    ]
    content = writer(values[1:], header=values[0])
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    sheet.reset_dimensions()
    expected = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    found = [[v for v in row if v is not None] for _number, row in read(content)]
    assert [[v for v in row if v != ""] for row in found] == [[v for v in row if v != ""] for row in expected]


def test_a_value_beyond_the_column_limit_is_refused_at_its_row():
    wide = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}2" t="inlineStr"><is><t>x</t></is></c>' for i in (1, 60)
    )
    sheet = f'<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row><row r="2">{wide}</row>'
    with pytest.raises(NotReadable) as excinfo:
        read(package(sheet))
    assert (excinfo.value.code, excinfo.value.params) == ("too_many_columns", {"row": 2, "column": 60})
    # Empty cells that far right (formatting) are no values: they are ignored.
    assert read(package('<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1" s="3"/></row>')) == [(1, [1])]


def test_a_document_type_declaration_is_refused():
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    content = package("<row r='1'><c r='A1' t='inlineStr'><is><t>&b;</t></is></c></row>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, bomb.encode() + data if info.filename.endswith("s1.xml") else data)
    with pytest.raises(NotReadable) as excinfo:
        read(buffer.getvalue())
    assert excinfo.value.code == "not_xlsx"


def test_not_a_workbook():
    for content in (b"PK\x03\x04 not really", b"plain text", package("<row>")):
        with pytest.raises(NotReadable) as excinfo:
            read(content)
        assert excinfo.value.code == "not_xlsx"
