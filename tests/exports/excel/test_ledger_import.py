"""Importing an old ledger: a messy one checked row by row, a clean one imported exactly once,
and files that must be refused without touching the database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from deskapp.core.audit import chain as audit
from deskapp.core.errors import DeskError
from deskapp.core.ledger.preview import ImportOptions
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData
from deskapp.core.store.models import AuditEvent, Department, Item
from deskapp.exports.excel.ledger_import import TEMPLATE_COLS, import_file, preview_file, write_template

TODAY = dt.date(2026, 11, 26)
HEADERS = ["序号", "索引号", "信息名称", "发文字号", "成文日期", "公开日期", "责任单位", "栏目",
           "公开方式", "发布渠道", "摘要", "备注"]


def counts(db) -> tuple[int, int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Item)),
                s.scalar(select(func.count()).select_from(AuditEvent)),
                s.scalar(select(func.count()).select_from(Department)))


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "旧 台账"
    f.mkdir()
    return f


@pytest.fixture
def seeded(db, actor):
    """Departments and one item already in the register."""
    with db.session() as s:
        for name in ("党政办", "社会事务办", "城建办"):
            s.add(Department(name=name))
        s.flush()
        register.create_item(s, actor, ItemData(
            title="已经登记过的信息", kind="工作动态", formed_on=dt.date(2026, 8, 1),
            published_on=dt.date(2026, 8, 3), status="published", index_no="OLD/2026-00009"), today=TODAY)
    return db


def ledger(path: Path, rows: list[list], headers=HEADERS, title="长安街道2026年政务公开信息台账",
           merges=(), formulas=()) -> Path:
    """A ledger as offices keep them: a merged title row, a blank row, then the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2026年台账"
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for c, h in enumerate(headers, start=1):
        ws.cell(3, c, h)
    for r, row in enumerate(rows, start=4):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, formula in formulas:
        ws[ref] = formula
    wb.save(path)
    return path


def row(n, index="", title="", doc="", formed=None, published=None, dept="", cat="", method="",
        channels="", summary="", note=""):
    return [n, index, title, doc, formed, published, dept, cat, method, channels, summary, note]


MESSY = [
    row(1, "", "关于调整低保标准的通知", "街政发[2026]3号", "2026-9-3", "2026/09/10", "社会事务办",
        "社会救助", "主动公开", "网站、微信"),                                              # 4 ok
    row(2, "LZ/2026-001", "街道召开安全生产会议", "", "2026.9.3", "2026年9月5日", "党政办",
        "工作动态", "", "公示栏"),                                                          # 5 ok
    row(3, "", "", "", "2026-9-3"),                                                         # 6 必填为空
    row(4, "", "日期写错的信息", "", "2026-13-45", "九月三日"),                                # 7 two bad dates
    row(5, "", "关于调整低保标准的通知", "", "2026-09-03", "2026-09-10"),                     # 8 dup of 4
    row(6, "", "栏目写错的信息", "", "2026-9-3", "", "党政办", "不存在的栏目"),                  # 9 类别不存在
    row(7, "", "科室写错的信息", "", "2026-9-3", "", "不存在科"),                              # 10 科室不存在
    row(8, "LZ/2026-001", "索引号重复的信息", "", "2026-9-4"),                                 # 11 dup index
    row(9, "OLD/2026-00009", "索引号已在台账中", "", "2026-9-4"),                              # 12 exists
    row(10, "", "已经登记过的信息", "", "2026-8-1", "2026-8-3"),                               # 13 exists
    row(11, "", "用公式写日期的信息"),                                                        # 14 formula
    row(12, "", "发布日期在将来", "", "2026-11-20", "2026-12-30"),                            # 15 future
    row(13, "", "没有任何日期"),                                                             # 16 必填为空
    row(14, "", "依申请公开的信息", "", 46268, None, "城建办", "", "依申请公开"),               # 17 serial
    row(15, "", "合并单元格下的信息", "", dt.datetime(2026, 9, 7, 9, 30), "2026-09-08 10:30",
        "社会事务办"),                                                                        # 18 ok
    row(16, "", "合并单元格下的第二条", "", "2026年9月8日", None, None),                        # 19 dept merged
    [None] * 12,                                                                               # 20 blank
    row(17, "", "空行之后的信息", "", "20260909", None, "", "政策文件/规范性文件"),               # 21 ok
]
EXPECTED = {  # Excel row → (status, [(column, reason)])
    4: ("ok", []), 5: ("ok", []),
    6: ("error", [("C", "必填为空")]),
    7: ("error", [("E", "日期无法识别"), ("F", "日期无法识别")]),
    8: ("duplicate", [("C", "与第4行重复")]),
    9: ("error", [("H", "类别不存在")]),
    10: ("error", [("G", "科室不存在")]),
    11: ("duplicate", [("B", "与第5行重复")]),
    12: ("duplicate", [("B", "已存在于台账")]),
    13: ("duplicate", [("C", "已存在于台账")]),
    14: ("error", [("E", "单元格是公式，请复制后“选择性粘贴为数值”再导入")]),
    15: ("error", [("F", "发布日期不能晚于今天")]),
    16: ("error", [("E", "必填为空")]),
    17: ("ok", []), 18: ("ok", []), 19: ("ok", []), 21: ("ok", []),
}


@pytest.fixture
def messy(folder) -> Path:
    return ledger(folder / "旧台账 2026.xlsx", MESSY, merges=["G18:G19"], formulas=[("E14", "=TODAY()")])


def test_messy_ledger_report_row_by_row(seeded, messy):
    before = counts(seeded)
    preview = preview_file(seeded, messy, TODAY)
    assert (preview.sheet, preview.header_row) == ("2026年台账", 3)
    got = {r.row: (r.status, [(i.column, i.reason) for i in r.issues]) for r in preview.rows}
    assert got == EXPECTED
    assert all(i.header == HEADERS[ord(i.column) - 65] for i in preview.issues)
    assert counts(seeded) == before  # a preview writes nothing


def test_bad_rows_block_the_import_by_default(seeded, messy, actor):
    before = counts(seeded)
    with pytest.raises(DeskError) as err:
        import_file(seeded, actor, messy, TODAY)
    assert "7行有问题" in err.value.message and "未导入任何数据" in err.value.message
    assert counts(seeded) == before


def test_good_rows_only_when_asked(seeded, messy, actor):
    before = counts(seeded)
    preview, result = import_file(seeded, actor, messy, TODAY, skip_bad=True)
    assert (result.imported, result.skipped_bad, result.skipped_duplicates) == (6, 7, 4)
    with seeded.session() as s:
        items = {i.source_row: i for i in s.scalars(select(Item).where(Item.source_file != ""))}
        depts = {d.id: d.name for d in s.scalars(select(Department))}
        catalogue = {k: (i.catalogue.name if i.catalogue else None) for k, i in items.items()}
        assert audit.verify_chain(s) is None
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(7)).all()
    assert sorted(items) == [4, 5, 17, 18, 19, 21]
    assert {i.source_file for i in items.values()} == {"旧台账 2026.xlsx"}
    notice = items[4]
    assert notice.doc_no == "街政发〔2026〕3号" and notice.formed_on == dt.date(2026, 9, 3)
    assert notice.status == "published" and notice.published_on == dt.date(2026, 9, 10)
    assert notice.channels == ["政府网站", "两微一端"] and catalogue[4] == "社会救助"
    assert notice.due_on is not None and notice.attribute == "active"
    assert items[5].index_no == "LZ/2026-001" and items[5].kind == "工作动态"
    assert items[5].channels == ["社区/村公示栏（电子屏）"]
    assert items[17].formed_on == dt.date(2026, 9, 3) and items[17].attribute == "on_request"
    assert items[17].status == "draft" and items[17].due_on is None
    assert items[18].published_on == dt.date(2026, 9, 8)
    assert depts[items[19].department_id] == "社会事务办"  # merged down from row 18
    assert items[21].kind == "规范性文件" and items[21].formed_on == dt.date(2026, 9, 9)
    assigned = [i.index_no for k, i in items.items() if k != 5]
    assert len(set(assigned)) == 5 and all(n.startswith("DESK/2026-") for n in assigned)
    assert events[0].action == "import" and events[0].after["imported"] == 6
    with seeded.engine.connect() as conn:  # stored as audit.record stores: canonical JSON text
        import json

        from sqlalchemy import text

        stored = [r[0] for r in conn.execute(text("SELECT after FROM audit_event WHERE action='create' "
                                                  "ORDER BY id DESC LIMIT 6"))]
    assert all(t == json.dumps(json.loads(t), sort_keys=True) for t in stored)
    assert [e.action for e in events[1:]] == ["create"] * 6
    n_items, n_events, _ = counts(seeded)
    assert (n_items, n_events) == (before[0] + 6, before[1] + 7)


def test_clean_ledger_nothing_lost_nothing_doubled(seeded, folder, actor):
    rows = [row(n, f"QJ/2026-{n:03d}" if n % 2 else "", f"干净台账第{n}条", "", f"2026-{1 + n % 9}-{1 + n % 27}",
                f"2026-{1 + n % 9}-{2 + n % 27}", "党政办", "工作动态", "主动公开", "政府网站")
            for n in range(1, 41)]
    path = ledger(folder / "干净.xlsx", rows)
    preview, result = import_file(seeded, actor, path, TODAY)
    assert result.imported == 40 and preview.count("ok") == 40
    with seeded.session() as s:
        titles = sorted(s.scalars(select(Item.title).where(Item.source_file == "干净.xlsx")))
    assert titles == sorted(r[2] for r in rows)
    again = preview_file(seeded, path, TODAY)
    assert again.count("duplicate") == 40 and again.count("ok") == 0
    _, second = import_file(seeded, actor, path, TODAY)
    assert second.imported == 0
    with seeded.session() as s:
        assert s.scalar(select(func.count()).select_from(Item).where(Item.source_file == "干净.xlsx")) == 40


def test_new_departments_only_when_allowed(seeded, folder, actor):
    path = ledger(folder / "新科室.xlsx", [row(1, "", "新科室的信息", "", "2026-9-1", "", "文明办")])
    assert preview_file(seeded, path, TODAY).count("error") == 1
    _, result = import_file(seeded, actor, path, TODAY, options=ImportOptions(create_departments=True))
    assert result.departments_created == ["文明办"] and result.imported == 1
    with seeded.session() as s:
        item = s.scalar(select(Item).where(Item.title == "新科室的信息"))
        assert item.department.name == "文明办"


def test_mapping_from_the_wizard(seeded, folder, actor):
    headers = ["编号", "文件题目（全称）", "日子", "部门"]
    path = ledger(folder / "怪列名.xlsx", [[1, "列名古怪的信息", "2026-9-1", "党政办"]], headers=headers)
    with pytest.raises(DeskError):  # nothing recognisable as the header
        preview_file(seeded, path, TODAY)
    mapping = {0: None, 1: "title", 2: "formed_on", 3: "department"}
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY, mapping={0: None, 1: "title", 2: "title"}, header_row=3)
    assert "只能对应一列" in err.value.message
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY, mapping={0: None, 1: None, 2: "formed_on"}, header_row=3)
    assert "没有找到“标题”列" in err.value.message
    # The wizard names the header row and what each column holds.
    preview = preview_file(seeded, path, TODAY, mapping=mapping, header_row=3)
    assert preview.count("ok") == 1 and preview.rows[0].data.formed_on == dt.date(2026, 9, 1)
    assert preview.rows[0].data.department_id is not None
    _, result = import_file(seeded, actor, path, TODAY, mapping=mapping, header_row=3)
    assert result.imported == 1


def test_template_has_dropdowns_and_imports_back(seeded, folder, actor):
    path = write_template(seeded, folder / "导入模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    assert wb["选项"].sheet_state == "hidden"
    lists = {str(dv.sqref)[:1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    headers = [c.value for c in ws[2]]
    for name in ("科室", "类别", "信息种类", "公开属性"):
        letter = openpyxl.utils.get_column_letter(headers.index(name) + 1)
        assert letter in lists and lists[letter].startswith("'选项'!$"), name
    options = {c.value for c in wb["选项"]["A"]}
    assert {"党政办", "社会事务办", "城建办"} <= options
    for c, value in enumerate(["", "从模板导入的信息", "", "2026-10-12", "2026-10-13", "党政办", "公告公示/公告",
                               "公告公示", "主动公开", "政府网站"], start=1):
        ws.cell(3, c, value)  # the first row under the header, where a clerk types
    wb.save(path)
    _, result = import_file(seeded, actor, path, TODAY)
    assert result.imported == 1
    with seeded.session() as s:
        item = s.scalar(select(Item).where(Item.title == "从模板导入的信息"))
        assert item.catalogue.name == "公告" and item.kind == "公告公示"


# --- files that must be refused ------------------------------------------------------------------

def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _entity_bomb(good: Path, path: Path) -> Path:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    with zipfile.ZipFile(good) as src:
        members = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    body = members[sheet]
    start = body.index(b"<worksheet")
    cell = b'<row r="50"><c r="A50" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    members[sheet] = bomb + body[start:].replace(b"<sheetData>", b"<sheetData>" + cell, 1)
    return _zip(path, members)


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    good = ledger(folder / "good.xlsx", [row(1, "", "正常信息", "", "2026-9-1")])
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    empty = openpyxl.Workbook()
    empty.active.title = "空表"
    empty.save(folder / "空表.xlsx")
    merged_header = ledger(folder / "合并表头.xlsx", [row(1, "", "信息", "", "2026-9-1")], merges=["E3:F3"])
    (folder / "假的.xlsx").write_text("这不是工作簿，只是改了扩展名的文本。", encoding="utf-8")
    (folder / "旧版.xls").write_bytes(ole)
    # Office's encrypted .xlsx: an OLE2 container whose directory names the encrypted package.
    directory = "".join(n.ljust(32, "\0") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    (folder / "加密.xlsx").write_bytes(ole + directory.encode("utf-16-le") + b"\x00" * 2048)
    _zip(folder / "不是工作簿.xlsx", {"word/document.xml": b"<w:document/>"})
    big = io.BytesIO()
    _zip(folder / "炸弹.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                               "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
    big.close()
    return {
        "xls": (folder / "旧版.xls", "另存为 .xlsx"),
        "encrypted": (folder / "加密.xlsx", "密码"),
        "not a workbook": (folder / "假的.xlsx", "不是 Excel 工作簿"),
        "zip without workbook": (folder / "不是工作簿.xlsx", "不是 Excel 工作簿"),
        "empty sheet": (folder / "空表.xlsx", "是空的"),
        "merged header": (merged_header, "合并单元格 E3:F3"),
        "zip bomb": (folder / "炸弹.xlsx", "压缩炸弹"),
        "entity bomb": (_entity_bomb(good, folder / "实体炸弹.xlsx"), "不安全"),
        "missing": (folder / "没有这个文件.xlsx", "找不到文件"),
        "csv": (folder / "台账.csv", "只能导入 .xlsx"),
    }


@pytest.mark.parametrize("kind", ["xls", "encrypted", "not a workbook", "zip without workbook",
                                  "empty sheet", "merged header", "zip bomb", "entity bomb", "missing", "csv"])
def test_bad_files_are_refused_and_change_nothing(seeded, folder, actor, kind):
    (folder / "台账.csv").write_text("标题,发布日期\n信息,2026-9-1\n", encoding="utf-8")
    path, words = _bad_files(folder)[kind]
    before = counts(seeded)
    with pytest.raises(DeskError) as err:
        import_file(seeded, actor, path, TODAY, skip_bad=True)
    assert words in err.value.message, err.value.message
    assert counts(seeded) == before


def test_defusedxml_is_what_openpyxl_uses():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "install defusedxml: openpyxl must not expand XML entities"


def test_fifty_thousand_rows_refused_without_reading_them_all(seeded, folder, actor):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["标题", "发布日期"])
    for n in range(50_000):
        ws.append([f"第{n}条", "2026-9-1"])
    path = folder / "五万行.xlsx"
    wb.save(path)
    before = counts(seeded)
    with pytest.raises(DeskError) as err:
        import_file(seeded, actor, path, TODAY, skip_bad=True)
    assert "最多导入20000行" in err.value.message
    assert counts(seeded) == before


@pytest.mark.parametrize("value, day", [
    ("2026-9-3", dt.date(2026, 9, 3)), ("2026/09/03", dt.date(2026, 9, 3)), ("2026.9.3", dt.date(2026, 9, 3)),
    ("2026年9月3日", dt.date(2026, 9, 3)), (" 2026年9月3日 星期四", dt.date(2026, 9, 3)),
    ("2026-09-03 10:30:00", dt.date(2026, 9, 3)), (46268, dt.date(2026, 9, 3)), (46268.0, dt.date(2026, 9, 3)),
    ("46268", dt.date(2026, 9, 3)), (20260903, dt.date(2026, 9, 3)), ("20260903", dt.date(2026, 9, 3)),
    (dt.datetime(2026, 9, 3, 8, 0), dt.date(2026, 9, 3)), (dt.date(2026, 9, 3), dt.date(2026, 9, 3)),
    (None, None), ("  ", None),
])
def test_dates_in_every_form_clerks_type(value, day):
    from deskapp.core.ledger.fields import to_date

    assert to_date(value) == (day, True)


@pytest.mark.parametrize("value", [2026, 9.3, "2026-2-30", "九月三日", "2026年13月1日", "明天", 99999999])
def test_dates_that_are_not_dates(value):
    from deskapp.core.ledger.fields import to_date

    assert to_date(value) == (None, False)


# --- the header rows offices really use (issue 15 §3) ----------------------------------------------

WITHHELD_REASON = "涉及个人隐私，依据《政府信息公开条例》第十五条不予公开"
# Each: the header row with one row of data, the column mapping a clerk gives (header → field),
# and what the imported item must hold.
LAYOUTS = {
    "政策文件库": ([("序号", 1), ("索引号", "11010X/2026-00101"), ("主题分类", "政策文件/规范性文件"),
                ("发布机构", "党政办"), ("成文日期", "2026-08-20"), ("名称", "街道规范性文件管理办法"),
                ("文号", "街办发〔2026〕5号"), ("发布日期", "2026-08-25"), ("有效性", "有效")], {},
               {"index_no": "11010X/2026-00101", "doc_no": "街办发〔2026〕5号", "validity": "valid",
                "formed_on": dt.date(2026, 8, 20), "published_on": dt.date(2026, 8, 25), "dept": "党政办",
                "kind": "规范性文件"}),
    "信息公开目录": ([("序号", 1), ("信息索引号", "GK/2026-0002"), ("信息名称", "困难群众救助资金发放情况"),
                 ("文件编号", "街社发〔2026〕2号"), ("生成日期", "2026-09-01"), ("公开日期", "2026-09-03"),
                 ("发布单位", "社会事务办"), ("组配分类", "社会救助"), ("效力状况", "现行有效")], {},
                {"index_no": "GK/2026-0002", "doc_no": "街社发〔2026〕2号", "validity": "valid",
                 "formed_on": dt.date(2026, 9, 1), "published_on": dt.date(2026, 9, 3), "dept": "社会事务办",
                 "catalogue": "社会救助"}),
    "区政府网站导出": ([("索引号", "QZF/2026-0003"), ("题目", "街道召开垃圾分类推进会"), ("发文日期", "2026/9/4"),
                  ("发布/公开日期", "2026/9/5"), ("发布机构", "城建办"), ("公开目录", "工作动态"),
                  ("时效", "长期")], {},
                 {"formed_on": dt.date(2026, 9, 4), "published_on": dt.date(2026, 9, 5), "dept": "城建办",
                  "validity": "valid", "kind": "工作动态"}),
    "街道登记簿": ([("序号", 1), ("登记时间", dt.datetime(2026, 9, 6, 15, 20)), ("信息名称", "老旧小区改造公示"),
                ("填写单位", "城建办"), ("分类", "公告公示/公告"), ("公开方式", "主动公开"), ("备注", "")], {},
               {"formed_on": dt.date(2026, 9, 6), "published_on": None, "dept": "城建办", "attribute": "active",
                "catalogue": "公告"}),
    "不予公开登记": ([("序号", 1), ("信息编号", "BGK-2026-01"), ("信息名称", "低保申请人家庭收入核查表"),
                 ("成文日期", "2026年9月7日"), ("填写单位", "社会事务办"), ("不予公开的理由", WITHHELD_REASON)], {},
                {"index_no": "BGK-2026-01", "attribute": "withheld", "withheld_reason": WITHHELD_REASON,
                 "published_on": None}),
    "系统生成时间": ([("信息编号", "XT-2026-0006"), ("名称", "旧版门前三包管理规定"),
                 ("生成时间", "2026-09-02 09:12:33"), ("发布机构", "党政办"), ("主题分类", "政策文件/规范性文件"),
                 ("有效性", "已废止")], {},
                {"formed_on": dt.date(2026, 9, 2), "validity": "repealed", "index_no": "XT-2026-0006"}),
    "社区台账": ([("序号", 1), ("题目", "社区议事会议纪要公开"), ("发文日期", "2026.9.8"), ("公开日期", "2026.9.9"),
              ("发布单位", "党政办"), ("公开形式", "公示栏")], {},
             {"formed_on": dt.date(2026, 9, 8), "published_on": dt.date(2026, 9, 9),
              "channels": ["社区/村公示栏（电子屏）"]}),
    "带填写说明": ([("*信息名称（必填）", "街道第三季度财政收支情况"), ("*成文日期（必填）", "2026-09-10"),
               ("发布／公开日期（选填）", "2026-09-11"), ("责任科室", "党政办"), ("信息类别", "财政信息"),
               ("公开属性", "主动公开")], {},
              {"formed_on": dt.date(2026, 9, 10), "published_on": dt.date(2026, 9, 11), "kind": "财政信息"}),
    "只有内容概述": ([("序号", 1), ("内容概述", "街道开展防汛应急演练"), ("生成日期", "2026-09-12"),
                 ("发布单位", "城建办")], {"内容概述": "title"},
                {"formed_on": dt.date(2026, 9, 12), "dept": "城建办", "summary": ""}),
    "年度目录": ([("序号", 1), ("信息索引号", "ND/2026-0010"), ("信息名称", "2025年度预算执行情况"),
              ("文件编号", ""), ("发文日期", "2026-09-13"), ("发布单位", "党政办"), ("分类", "财政信息"),
              ("时效", "失效"), ("不予公开的理由", "")], {},
             {"validity": "expired", "attribute": "active", "withheld_reason": "", "doc_no": None}),
    "WPS 登记表": ([("编号", "1"), ("文件名称", "关于开展消防安全检查的通知"), ("文件字号", "街发〔2026〕9号"),
                  ("印发日期", "2026-09-14"), ("上网日期", "2026-09-15"), ("责任单位", "城建办"),
                  ("栏目", "工作动态"), ("效力状况", "有效"), ("发布渠道", "网站、微信")], {},
                 {"doc_no": "街发〔2026〕9号", "published_on": dt.date(2026, 9, 15),
                  "channels": ["政府网站", "两微一端"], "validity": "valid"}),
    "导入模板": ([(c.header, v) for c, v in zip(
        TEMPLATE_COLS,
        ["", "按模板登记的信息", "", "2026-09-16", "2026-09-17", "党政办", "工作动态", "工作动态", "主动公开",
         "政府网站", "模板里的摘要", ""], strict=True)], {},
             {"summary": "模板里的摘要", "published_on": dt.date(2026, 9, 17), "kind": "工作动态"}),
}


def _layout_file(folder: Path, name: str) -> Path:
    cells = LAYOUTS[name][0]
    return ledger(folder / f"{name}.xlsx", [[v for _, v in cells]], headers=[h for h, _ in cells])


def _by_name(path: Path, names: dict[str, str]) -> ImportOptions:
    return ImportOptions(column_names=tuple(names.items())) if names else ImportOptions()


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_real_ledger_layouts_import(seeded, folder, actor, name):
    cells, names, expected = LAYOUTS[name]
    path = _layout_file(folder, name)
    title = next(v for h, v in cells if h in names or "名称" in h or "题目" in h or h == "标题*")
    preview, result = import_file(seeded, actor, path, TODAY, options=_by_name(path, names))
    assert result.imported == 1, [(i.column, i.header, i.reason) for i in preview.issues]
    with seeded.session() as s:
        item = s.scalar(select(Item).where(Item.title == title))
        assert item is not None and item.source_file == path.name
        got = {"dept": item.department.name if item.department else None,
               "catalogue": item.catalogue.name if item.catalogue else None}
        for key, value in expected.items():
            actual = got[key] if key in got else getattr(item, key)
            assert actual == value, (key, actual)


def test_a_layout_without_title_needs_its_mapping(seeded, folder):
    path = _layout_file(folder, "只有内容概述")
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY)
    assert "没有找到“标题”列" in err.value.message
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY, options=_by_name(path, {"内容摘要": "title"}))
    assert "没有“内容摘要”列" in err.value.message


def test_unreadable_validity_is_a_bad_cell(seeded, folder):
    path = ledger(folder / "有效性.xlsx", [["有效性写错", "2026-9-1", "大概有效"]],
                  headers=["信息名称", "成文日期", "有效性"])
    preview = preview_file(seeded, path, TODAY)
    assert [(i.column, i.reason) for i in preview.issues] == [("C", "有效性无法识别（应为有效、废止或失效）")]


@pytest.mark.parametrize("label", ["合计", "合 计：", "小计", "总计（共2条）", "共计2条"])
def test_total_row_at_the_bottom_is_skipped_with_a_note(seeded, folder, actor, label):
    rows = [row(1, "", "合计行之前的第一条", "", "2026-9-1"), row(2, "", "合计行之前的第二条", "", "2026-9-2"),
            [label, None, None, None, None, None, None, None, None, None, None, "2条"]]
    path = ledger(folder / "有合计行.xlsx", rows)
    preview, result = import_file(seeded, actor, path, TODAY)
    assert result.imported == 2 and preview.count("error") == 0 and len(preview.rows) == 2
    assert preview.notes == [f"第6行是“{label.replace(' ', '')[:2]}”行，不是一条信息，已跳过。"]


def test_a_total_word_inside_the_data_is_not_skipped(seeded, folder):
    rows = [row(1, "", "", "", "2026-9-1"), row(2, "", "合计两条的信息", "", "2026-9-2"),
            row(3, "", "最后一条", "", "2026-9-3")]
    preview = preview_file(seeded, ledger(folder / "中间.xlsx", rows), TODAY)
    assert preview.notes == [] and len(preview.rows) == 3 and preview.count("error") == 1


# --- old .xls, files not what their name says, and a sheet that lies about its size ---------------

def xls_ledger(path: Path, dates_1904: bool = False) -> Path:
    """An old .xls as WPS saves it: a merged title, the header, dates as date cells, 科室
    merged down a block of items."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    wb.dates_1904 = dates_1904
    ws = wb.add_sheet("2026年台账")
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write_merge(0, 0, 0, 5, "长安街道2026年政务公开信息台账")
    for c, h in enumerate(["序号", "信息名称", "发文日期", "公开日期", "发布单位", "效力状况"]):
        ws.write(1, c, h)
    rows = [(1, "旧版台账里的第一条", dt.date(2026, 9, 3), dt.date(2026, 9, 4), None, "有效"),
            (2, "旧版台账里的第二条", dt.datetime(2026, 9, 5, 10, 30), None, None, "已废止"),
            (3, "日期写成文字的一条", "2026年9月6日", "", "党政办", "")]
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values):
            if isinstance(v, dt.date):
                ws.write(r, c, v, day)
            elif v is not None:
                ws.write(r, c, v)
    ws.write_merge(2, 3, 4, 4, "社会事务办")  # 发布单位 merged over rows 3 and 4
    ws.write(5, 0, "合计")
    ws.write(5, 1, "3条")
    wb.save(str(path))
    return path


@pytest.mark.parametrize("dates_1904", [False, True])
def test_old_xls_imports_directly(seeded, folder, actor, dates_1904):
    path = xls_ledger(folder / "旧版 台账.xls", dates_1904)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    preview, result = import_file(seeded, actor, path, TODAY)
    assert (preview.sheet, preview.header_row) == ("2026年台账", 2)
    assert result.imported == 3 and preview.notes == ["第6行是“合计”行，不是一条信息，已跳过。"]
    with seeded.session() as s:
        items = {i.source_row: i for i in s.scalars(select(Item).where(Item.source_file == "旧版 台账.xls"))}
        depts = {r: (i.department.name if i.department else None) for r, i in items.items()}
    assert items[3].formed_on == dt.date(2026, 9, 3) and items[3].published_on == dt.date(2026, 9, 4)
    assert items[4].formed_on == dt.date(2026, 9, 5) and items[4].validity == "repealed"
    assert items[5].formed_on == dt.date(2026, 9, 6) and items[3].validity == "valid"
    assert depts == {3: "社会事务办", 4: "社会事务办", 5: "党政办"}  # merged down in the .xls too


def test_a_workbook_with_the_wrong_extension_is_read_for_what_it_is(seeded, folder, actor):
    xls = xls_ledger(folder / "a.xls")
    renamed = folder / "其实是xls.xlsx"
    renamed.write_bytes(xls.read_bytes())
    preview = preview_file(seeded, renamed, TODAY)
    assert preview.count("ok") == 3
    assert "扩展名是 .xlsx，内容其实是 .xls 工作簿" in preview.notes[0]
    assert all("密码" not in n for n in preview.notes)
    xlsx = ledger(folder / "b.xlsx", [row(1, "", "扩展名写错的信息", "", "2026-9-1")])
    wrong = folder / "其实是xlsx.xls"
    wrong.write_bytes(xlsx.read_bytes())
    _, result = import_file(seeded, actor, wrong, TODAY)
    assert result.imported == 1


@pytest.mark.parametrize("name, content, words", [
    ("网站导出.xls", "<html><body><table><tr><td>标题</td></tr></table></body></html>".encode(), "网页（HTML）"),
    ("另存的.xls", "标题,发布日期\n信息,2026-9-1\n".encode(), "文本文件（如 CSV）"),
    ("坏的.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "无法读取旧版 Excel 文件"),
    ("乱码.xlsx", bytes(range(256)) * 4, "不是 Excel 工作簿"),
])
def test_what_a_file_really_is_is_said(seeded, folder, name, content, words):
    path = folder / name
    path.write_bytes(content)
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY)
    assert words in err.value.message and "密码" not in err.value.message, err.value.message


def dimension_bomb(path: Path, rows: tuple[tuple[str, ...], ...] = ()) -> Path:
    """A small .xlsx whose sheet declares A1:XFD1048576, with one cell at the far corner
    (and ``rows`` of ordinary cells at the top)."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    body = "".join(f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values))
                   + "</row>" for r, values in enumerate(rows, start=1))
    body += '<row r="1048576">' + cell("XFD1048576", "远角") + "</row>"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><dimension ref="A1:XFD1048576"/>'
            f'<sheetData>{body}</sheetData><mergeCells count="1"><mergeCell ref="B2:B1048576"/></mergeCells>'
            '</worksheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text.encode("utf-8"))
    return path


class _Deadline:
    """Fail (instead of spinning for ever) when the block takes longer than ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> "_Deadline":
        import signal

        def _expired(_sig, _frame):
            raise TimeoutError(f"still reading after {self.seconds} s")

        self.previous = signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


def test_a_sheet_that_declares_a_million_rows_ends_in_seconds(seeded, folder, actor):
    empty = dimension_bomb(folder / "远角.xlsx")
    assert empty.stat().st_size < 6 * 1024
    with _Deadline(20), pytest.raises(DeskError) as err:
        preview_file(seeded, empty, TODAY)
    assert "是空的" in err.value.message
    # The same lie below a real ledger: the ledger imports, the far cell is never reached.
    rows = (("标题", "发布日期", "科室"), ("远角之上的信息", "2026-9-1", "党政办"), ("第二条", "2026-9-2", ""))
    bomb = dimension_bomb(folder / "远角台账.xlsx", rows)
    with _Deadline(20):
        preview, result = import_file(seeded, actor, bomb, TODAY)
    assert result.imported == 2 and preview.header_row == 1
    assert len(preview.headers) <= 200


def test_the_cli_ends_on_the_dimension_bomb(db, db_path, folder):
    import subprocess
    import sys

    db.close()
    bomb = dimension_bomb(folder / "远角.xlsx")
    done = subprocess.run([sys.executable, "-m", "deskapp", "import", str(bomb), "--db", str(db_path),
                           "--dry-run"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "是空的" in done.stderr and "Traceback" not in done.stderr


def test_what_lies_below_a_long_gap_is_named_not_silently_dropped(seeded, folder):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题", "发布日期"])
    ws.append(["空行之上的信息", "2026-9-1"])
    ws.cell(250, 1, "空行之下的信息")
    ws.cell(250, 2, "2026-9-2")
    ws.cell(3, 16384, "XFD列的内容")  # far right on a data row: never read, never padded to
    path = folder / "隔了很多空行.xlsx"
    wb.save(path)
    with _Deadline(20):
        preview = preview_file(seeded, path, TODAY)
    assert [r.title for r in preview.rows] == ["空行之上的信息"]
    assert preview.notes == ["第3行起连续200行是空行，其下（如第250行）的内容没有读取；"
                             "如那也是台账的一部分，请删去中间的空行后重新导入。"]


def test_a_sheet_with_absurdly_many_merges_is_refused(seeded, folder, monkeypatch):
    from deskapp.exports.excel import ledger_read

    monkeypatch.setattr(ledger_read, "MAX_MERGES", 3)
    path = ledger(folder / "合并.xlsx", [row(n, "", f"第{n}条", "", "2026-9-1") for n in range(1, 6)],
                  merges=["L4:L5", "L6:L7", "K4:K5"])
    with pytest.raises(DeskError) as err:
        preview_file(seeded, path, TODAY)
    assert "4处合并单元格" in err.value.message
