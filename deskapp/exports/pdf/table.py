"""A list of people (低保, 补贴, 救助名单) as a table whose header row repeats on every page.

Cells the table font covers and that fit their column are plain strings (fast: a 2 000-row
list lays out in well under a second); a cell with a 生僻字 or too long for its column
becomes a :class:`Para` (font fallback, wrapping).
"""

from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.platypus import Flowable, LongTable, TableStyle

from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.para import Para, TextStyle, char_width

SAMPLE_ROWS = 300  # column widths are measured on the header and the first rows
PAD = 4.0


def _width(text: str, font: str, size: float) -> float:
    return sum(char_width(ch, font) for ch in text) * size


def column_widths(rows: list[list[str]], font: str, size: float, total: float) -> list[float]:
    """Natural widths scaled to fill ``total``. When too wide, columns of numbers (IDs, phones,
    amounts) keep their width and the Chinese columns, which can wrap, give way."""
    ncols = len(rows[0])
    natural = column_widths_natural(rows, font, size)
    latin = [True] * ncols
    for row in rows[1:SAMPLE_ROWS + 1]:
        for i, cell in enumerate(row):
            latin[i] = latin[i] and cell.isascii()
    need = sum(natural)
    if need <= total:
        extra = (total - need) / ncols
        return [w + extra for w in natural]
    fixed = sum(w for w, lat in zip(natural, latin, strict=True) if lat)
    flexible = [i for i in range(ncols) if not latin[i]]
    if not flexible or fixed > total * 0.7:  # scale everything
        return [w * total / need for w in natural]
    room = total - fixed
    flex_need = sum(natural[i] for i in flexible)
    return [w if latin[i] else w * room / flex_need for i, w in enumerate(natural)]


def fitting_size(rows: list[list[str]], font: str, size: float, total: float) -> float:
    """A smaller type (down to 70 %) when the list's natural width exceeds the column."""
    need = sum(column_widths_natural(rows, font, size))
    if need <= total:
        return size
    return max(size * 0.7, size * (total - 2 * PAD * len(rows[0])) / (need - 2 * PAD * len(rows[0])))


def column_widths_natural(rows: list[list[str]], font: str, size: float) -> list[float]:
    natural = [2 * size + 2 * PAD] * len(rows[0])
    for row in rows[:SAMPLE_ROWS + 1]:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], _width(cell, font, size) + 2 * PAD)
    return natural


def people_table(rows: list[list[str]], fonts: FontBook, size: float, width: float,
                 missing: set[str] | None = None) -> Flowable:
    body = fonts.role("body")
    hei = fonts.role("hei")
    size = fitting_size(rows, body.name, size, width)
    widths = column_widths(rows, body.name, size, width)
    leading = size * 1.35
    cell_style = TextStyle(role="body", size=size, leading=leading, align="center")
    head_style = cell_style.but(role="hei")
    data: list[list[object]] = []
    for r, row in enumerate(rows):
        face = hei if r == 0 else body
        style = head_style if r == 0 else cell_style
        out: list[object] = []
        for c, cell in enumerate(row):
            plain = all(face.has(ch) for ch in cell) and _width(cell, face.name, size) + 2 * PAD <= widths[c]
            out.append(cell if plain else Para(cell, style, fonts, missing))
        data.append(out)
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), body.name),
        ("FONTNAME", (0, 0), (-1, 0), hei.name),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), leading),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.6, black),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]))
    return table
