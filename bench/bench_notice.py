"""Benchmark: notices as PDF (ReportLab) vs the office way (.docx → LibreOffice → PDF).

    .venv/bin/python bench/bench_notice.py [--no-soffice]

Prints a table. Targets (issue 4): warm single A4 ≤ 80 ms; 100 notices ≤ 4 s; a notice with
a 2 000-row list ≤ 3 s. The .docx column needs python-docx and ``soffice`` on PATH.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deskapp.core.privacy.masking import id_check_char, mask_content  # noqa: E402
from deskapp.exports.pdf.fonts import FontBook  # noqa: E402
from deskapp.exports.pdf.notice import NoticeData, closing_paragraphs, render_notice  # noqa: E402

BODY = ("根据《最低生活保障审核确认办法》（民发〔2021〕57号）规定，经本人申请、社区受理、入户调查、"
        "民主评议和街道审核，拟将以下家庭纳入城乡最低生活保障范围，现将有关情况公示如下。\n"
        "一、审核情况。本期共受理申请12户，经审核符合条件的8户。\n"
        "（一）新增保障对象。共8户15人，月保障金额合计6840元。\n"
        "二、其他事项。对公示对象有异议的，可在公示期内向街道社会事务办公室反映。")


def person_rows(n: int) -> str:
    rows = ["序号\t社区\t户主姓名\t身份证号\t保障人数"]
    for i in range(1, n + 1):
        first17 = f"330102{19500101 + (i % 28):08d}{i % 1000:03d}"
        rows.append(f"{i}\t东湖社区\t居民{i:04d}\t{first17}{id_check_char(first17)}\t{1 + i % 4}")
    return "\n".join(rows)


def notice(content: str, n: int = 0) -> NoticeData:
    return NoticeData(title=f"关于2026年第三季度城乡最低生活保障对象审核结果的公示（第{n}批）",
                      content=mask_content(content), issuer="某某街道办事处", date=dt.date(2026, 9, 23),
                      notice_start=dt.date(2026, 9, 23), notice_end=dt.date(2026, 9, 29),
                      phone="0571-87654321")


def timed(fn, repeat: int = 1) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def make_docx(data: NoticeData, path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin = Mm(37), Mm(28), Mm(26), Mm(35)

    def para(text: str, size: float, font: str, align=None, indent: bool = True):  # type: ignore[no-untyped-def]
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.name = font
        run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
        return p

    para(data.title, 22, "方正小标宋简体", WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    lines = data.content.split("\n")
    table_lines = [ln.split("\t") for ln in lines if "\t" in ln]
    for ln in lines:
        if "\t" not in ln:
            para(ln, 16, "仿宋_GB2312")
    if table_lines:
        table = doc.add_table(rows=0, cols=len(table_lines[0]))
        table.style = "Table Grid"
        for row in table_lines:
            cells = table.add_row().cells
            for c, text in zip(cells, row, strict=False):  # pasted rows may be ragged
                c.text = text
    for ln in closing_paragraphs(data, data.content):
        para(ln, 16, "仿宋_GB2312")
    para(data.issuer, 16, "仿宋_GB2312", WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para("2026年9月23日", 16, "仿宋_GB2312", WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.save(str(path))


def soffice_seconds(data: NoticeData, folder: Path) -> float | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    src = folder / "notice.docx"
    t = time.perf_counter()
    make_docx(data, src)
    subprocess.run([exe, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                   check=True, capture_output=True, timeout=300)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-soffice", action="store_true")
    args = ap.parse_args()
    cold = timed(lambda: FontBook.get())[0]
    single = notice(BODY + "\n" + person_rows(8))
    first = timed(lambda: render_notice(single))[0]
    warm = statistics.median(timed(lambda: render_notice(single), 20))
    batch = timed(lambda: [render_notice(notice(BODY + "\n" + person_rows(8), i)) for i in range(100)])[0]
    from deskapp.exports.pdf.board import BoardData, render_board

    board = BoardData("某某街道", "政务公开栏", 1, dt.date(2026, 9, 23),
                      [notice(BODY + "\n" + person_rows(8), i) for i in range(100)])
    board_t = timed(lambda: render_board(board))[0]
    big = notice(BODY + "\n" + person_rows(2000))
    big_pages = render_notice(big).pages
    big_t = timed(lambda: render_notice(big))[0]
    rows = [("font discovery + registration (cold)", cold, None),
            ("first A4 notice in process", first, None),
            ("warm A4 notice (median of 20)", warm, 0.080),
            ("100 A4 notices, one file each", batch, 4.0),
            ("batch board: 100 notices in one A3 PDF", board_t, 4.0),
            (f"A4 notice with 2 000-row list ({big_pages} pages)", big_t, 3.0)]
    office = None
    if not args.no_soffice:
        with tempfile.TemporaryDirectory() as tmp:
            office = soffice_seconds(single, Path(tmp))
    print(f"{'case':48} {'seconds':>9} {'target':>8}")
    for name, secs, target in rows:
        mark = "" if target is None else (" ok" if secs <= target else " SLOW")
        print(f"{name:48} {secs:9.3f} {('' if target is None else f'{target:.3f}'):>8}{mark}")
    if office is None:
        print("docx → soffice → PDF: soffice not found (apt-get install libreoffice-writer)")
    else:
        print(f"{'same notice: .docx + soffice --convert-to pdf':48} {office:9.3f}")
        print(f"ratio soffice / warm ReportLab: {office / warm:.0f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
