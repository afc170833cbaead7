"""The annual report's outputs: the .docx read back (labels in order, merges where the
national format merges), opened by LibreOffice; the workbook written and read back; hostile
workbooks refused; the PDF laid out."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from deskapp.core.errors import DeskError
from deskapp.core.reports.annual_labels import COLUMN_LABELS, ROW_LABELS, S3_TOP_LEFT_NOTE, SECTION_TITLES
from deskapp.exports.annual_content import grid2, grid3, grid4
from deskapp.exports.annual_layout import DocSection, ReportDoc
from deskapp.exports.excel.annual_tables import read_annual_workbook, render_workbook, write_workbook
from deskapp.exports.pdf.annual_report import render_annual_pdf
from deskapp.exports.word.annual_report import render_docx, write_docx

S3 = [[(r * 7 + c) % 11 for c in range(7)] for r in range(25)]
S4 = list(range(15))


def sample_doc(s3: list[list[int]] = S3, s4: list[int] = S4) -> ReportDoc:
    grids = {"二": grid2([(0, 0, 0), (3, 1, 12), (4,), (2,), (0,), (1.25,)]), "三": grid3(s3), "四": grid4(s4)}
    texts = {"一": "本年度……\n（一）主动公开。全年主动公开信息123条。", "五": "（一）本年度存在的主要问题\n1.问题。",
             "六": "本年度未收取信息处理费。"}
    sections = tuple(DocSection(h, (texts[k],) if k in texts else (), grids.get(k)) for k, h in SECTION_TITLES.items())
    return ReportDoc("XX街道办事处2026年政府信息公开工作年度报告", sections, "XX街道办事处", dt.date(2027, 1, 20))


def _spans(table: docx.table.Table) -> list[list[tuple[int, str]]]:
    """Per row: (gridSpan, vMerge) of each w:tc as written."""
    out = []
    for tr in table._tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            state = "" if vmerge is None else (vmerge.get(qn("w:val")) or "continue")
            row.append((tc.grid_span, state))
        out.append(row)
    return out


@pytest.fixture
def docx_file(tmp_path: Path) -> Path:
    return write_docx(sample_doc(), tmp_path / "年度 报告.docx")


def test_docx_has_title_six_headings_and_east_asian_fonts(docx_file: Path) -> None:
    d = docx.Document(str(docx_file))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "XX街道办事处2026年政府信息公开工作年度报告"
    headings = [t for t in texts if t in SECTION_TITLES.values()]
    assert headings == list(SECTION_TITLES.values())
    assert "本年度未收取信息处理费。" in texts and texts[-2:] == ["XX街道办事处", "2027年1月20日"]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in d.paragraphs for r in p.runs}
    assert {"仿宋", "黑体", "楷体"} <= fonts  # WPS shows what w:eastAsia names
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_table_two_blocks(docx_file: Path) -> None:
    t = docx.Document(str(docx_file)).tables[0]
    first = [c.text for c in t.columns[0].cells]
    assert first == ["第二十条第（一）项", "信息内容", "规章", "行政规范性文件",
                     "第二十条第（五）项", "信息内容", "行政许可",
                     "第二十条第（六）项", "信息内容", "行政处罚", "行政强制",
                     "第二十条第（八）项", "信息内容", "行政事业性收费"]
    spans = _spans(t)
    assert spans[0] == [(4, "")]  # caption over the four columns
    assert [c.text for c in t.rows[1].cells] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert spans[5] == [(1, ""), (3, "")]  # 信息内容 | 本年处理决定数量 across three
    assert t.rows[13].cells[1].text == "1.25"


def test_docx_table_three_layout_cell_for_cell(docx_file: Path) -> None:
    t = docx.Document(str(docx_file)).tables[1]
    spans = _spans(t)
    # top-left note 3 columns × 3 rows; 申请人情况 over 7; 自然人 and 总计 down two rows; 法人 over 5
    assert spans[0] == [(3, "restart"), (7, "")]
    assert spans[1] == [(3, "continue"), (1, "restart"), (5, ""), (1, "restart")]
    assert spans[2] == [(3, "continue"), (1, "continue")] + [(1, "")] * 5 + [(1, "continue")]
    assert t.cell(0, 0).text == S3_TOP_LEFT_NOTE and t.cell(0, 3).text == "申请人情况"
    assert [t.cell(1, 3).text, t.cell(1, 4).text, t.cell(1, 9).text] == ["自然人", "法人或其他组织", "总计"]
    assert [t.cell(2, c).text for c in range(4, 9)] == list(COLUMN_LABELS[1:6])
    labels = []
    for r in range(3, 28):
        cells = t.rows[r].cells
        labels.append(cells[2].text)  # the deepest label sits in (or spans into) the third column
        assert [int(c.text) for c in cells[3:]] == S3[r - 3]
    assert labels == list(ROW_LABELS)
    assert t.cell(5, 0).text == "三、本年度办理结果" and t.cell(27, 0).text == "四、结转下年度继续办理"
    assert spans[3][0] == (3, "") and spans[5][0] == (1, "restart") and spans[6][:2] == [(1, "continue"), (2, "")]
    assert t.cell(7, 1).text == "（三）不予公开" and spans[8][1] == (1, "continue")  # spans its 8 sub-rows


def test_docx_table_four_two_level_header(docx_file: Path) -> None:
    t = docx.Document(str(docx_file)).tables[2]
    spans = _spans(t)
    assert spans[0] == [(5, ""), (10, "")]
    assert spans[1] == [(1, "restart")] * 5 + [(5, ""), (5, "")]
    assert [t.cell(0, 0).text, t.cell(0, 5).text, t.cell(1, 5).text, t.cell(1, 10).text] == \
        ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]
    assert [c.text for c in t.rows[2].cells[5:10]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [int(c.text) for c in t.rows[3].cells] == S4 and len(t.rows) == 4


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
def test_libreoffice_opens_the_docx(docx_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx_file)], check=True, capture_output=True, timeout=120)
    pdf = out / (docx_file.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for needle in ("政府信息公开工作年度报告", "第二十条第（八）项", "申请人情况", "法人或其他组织",
                   "8.属于行政查询事项", "未经复议直接起诉", "六、其他需要报告的事项"):
        assert needle in flat


def test_workbook_round_trip_and_merges(tmp_path: Path) -> None:
    path = write_workbook(sample_doc(), tmp_path / "表.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["表二", "表三", "表四"]
    ws3 = wb["表三"]
    merged = {str(r) for r in ws3.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A8:A29"} <= merged
    assert ws3["D6"].value == S3[0][0] and ws3["D6"].data_type == "n"
    numbers = read_annual_workbook(path)
    assert [list(r) for r in numbers.section3] == S3 and list(numbers.section4 or ()) == S4


def test_workbook_labels_never_become_formulas(tmp_path: Path) -> None:
    doc = sample_doc()
    evil = ReportDoc(doc.title, doc.sections, "=HYPERLINK(\"x\")", doc.date)
    wb = render_workbook(evil)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_hand_typed_workbook_with_blank_rows_and_offsets(tmp_path: Path) -> None:
    """Typed by hand: the table starts at B4, a blank row inside, 危及"三安全一稳定" with
    ASCII quotes, blanks and "—" for zero, numbers typed as text, a formula with its value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "某街道2026年年度报告 表三"
    ws["E4"], ws["F4"] = "申请人情况", None
    ws["E5"], ws["F5"], ws["K5"] = "自然人", "法人或其他组织", "总计"
    for i, label in enumerate(COLUMN_LABELS[1:6]):
        ws.cell(row=6, column=6 + i, value=label)
    row = 7
    for n, label in enumerate(ROW_LABELS):
        if n == 5:
            row += 1  # a blank row
        ws.cell(row=row, column=4, value=label.replace("“", '"').replace("”", '"'))
        ws.cell(row=row, column=5, value=str(n) if n % 3 == 0 else ("—" if n == 4 else n))
        row += 1
    path = tmp_path / "手填.xlsx"
    wb.save(path)
    numbers = read_annual_workbook(path)
    assert numbers.section4 is None
    assert [r[0] for r in numbers.section3][:6] == [0, 1, 2, 3, None, 5]


@pytest.mark.parametrize("content, message", [
    # Office's encrypted .xlsx: OLE2 whose directory names the EncryptedPackage stream.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "密码"),
    # An OLE2 file without it is an old .xls renamed .xlsx: said as such, not as a password.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, r"旧版 Excel（\.xls）"),
    (b"not a zip at all", "不是 Excel 工作簿"),
])
def test_protected_or_damaged_workbook_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(content)
    with pytest.raises(DeskError, match=message):
        read_annual_workbook(path)


def test_entity_bomb_refused_quickly(tmp_path: Path) -> None:
    good = write_workbook(sample_doc(), tmp_path / "好.xlsx")
    bomb = tmp_path / "炸弹.xlsx"
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">' for i in range(1, 10))
           + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, lol.encode() if info.filename == "xl/worksheets/sheet1.xml" else data)
    start = time.monotonic()
    with pytest.raises(DeskError):
        read_annual_workbook(bomb)
    assert time.monotonic() - start < 5


def test_misplaced_row_is_named(tmp_path: Path) -> None:
    path = write_workbook(sample_doc(), tmp_path / "表.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["表三"]["C10"] = "9.随便写的"
    wb.save(path)
    with pytest.raises(DeskError, match="第10行应为表三的“1.属于国家秘密”，实为“9.随便写的”"):
        read_annual_workbook(path)


def test_pdf_has_tables_and_every_label(tmp_path: Path) -> None:
    result = render_annual_pdf(sample_doc())
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(result.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for label in [*ROW_LABELS[:2], "8.属于行政查询事项", "（七）总计", "复议后起诉", "行政事业性收费"]:
        assert label in flat
    assert result.pages >= 3 and not result.missing


def test_docx_render_is_deterministic_in_structure() -> None:
    assert render_docx(sample_doc())[:2] == b"PK"


def test_every_output_ends_with_the_audit_anchor(db, tmp_path: Path) -> None:
    """The report built from a desk carries the newest event's id and first 12 hex digits
    (issue 15 §2): a small last line of the .docx and the .pdf, under the last table of the
    .xlsx (which still reads back) and in its sheets' print footer."""
    from pypdf import PdfReader
    from sqlalchemy import text

    from deskapp.core.audit.chain import check_printed_anchor
    from deskapp.core.reports.annual import build_report
    from deskapp.exports.annual_content import report_doc
    from deskapp.exports.pdf.annual_report import write_annual_pdf

    with db.session() as s:
        report = build_report(s, 2026, dt.date(2027, 1, 20))
        event_id, digest = s.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
        assert check_printed_anchor(s, event_id, digest[:12]) is None
    anchor = f"审计锚点 {event_id}:{digest[:12]}"
    doc = report_doc(report, dt.date(2027, 1, 20))
    assert doc.anchor == anchor
    d = docx.Document(str(write_docx(doc, tmp_path / "年报.docx")))
    assert [p.text for p in d.paragraphs][-1] == anchor
    pdf = tmp_path / "年报.pdf"
    write_annual_pdf(doc, pdf)
    last_page = PdfReader(str(pdf)).pages[-1].extract_text().replace(" ", "")
    assert anchor.replace(" ", "") in last_page
    wb_path = write_workbook(doc, tmp_path / "年报.xlsx")
    wb = openpyxl.load_workbook(wb_path)
    last = wb.worksheets[-1]
    cells = [c.value for row in last.iter_rows() for c in row if c.value is not None]
    assert cells[-1] == anchor and all(ws.oddFooter.left.text == anchor for ws in wb.worksheets)
    assert read_annual_workbook(wb_path).section4 is not None  # the extra line does not disturb reading
