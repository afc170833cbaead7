"""PDFs the desk prints (ReportLab, no Qt): fonts, Chinese paragraphs, page templates.

API for other templates (the review form, reports) — build flowables, then ``build`` them:

    from deskapp.exports.pdf import (FontBook, Para, TextStyle, A4_NOTICE, Furniture, build,
                                     write_atomic, RenderResult, people_table)
    fonts = FontBook.get()             # cached per process; FontBook.get([folder]) for tests
    missing: set[str] = set()          # characters no installed font has (tell the user)
    st = TextStyle(role="body", size=16, leading=A4_NOTICE.leading,
                   char_space=A4_NOTICE.char_space, first_indent=2)
    flow = [Para("标题", TextStyle(role="title", size=22, align="center"), fonts, missing),
            Para("正文……", st, fonts, missing),
            Para([("一、黑体小标题。", "hei"), ("后续正文", "body")], st, fonts, missing)]
    pdf_bytes, pages = build(flow, A4_NOTICE, Furniture(A4_NOTICE, fonts, draft=False), "标题")
    write_atomic(path, pdf_bytes)      # temp file + os.replace; DeskError in Chinese on failure

- Roles: ``title`` (方正小标宋 → 黑体), ``body`` (仿宋 → 宋体), ``hei`` (黑体), ``kai`` (楷体);
  ``fonts.role(r).name`` is a registered ReportLab font name (TrueType, embedded subset),
  usable in a ReportLab TableStyle ``FONTNAME`` for plain-string cells.
  ``fonts.runs(text, role, missing)`` → [(text, font)] with per-character fallback;
  ``fonts.markup(text, role)`` → ReportLab ``<font name=…>`` markup if you must use
  ReportLab's own Paragraph (its CJK line breaking is weaker: prefer ``Para``).
- ``Para`` works in ReportLab Tables (cells), splits across pages, obeys the 禁则 rules of
  :mod:`.linebreak` (no line starts with ，。、；：？！）》」』”’… or ends with （《「『“‘).
- ``draw_runs(canvas, x, y, runs, size)`` / ``runs_width`` for text placed by hand.
- Geometries: ``A4_NOTICE`` (GB/T 9704-2012: 天头37 订口28 版心156×225 mm, 28×22 grid),
  ``A3_POSTER``, ``A3_BOARD``. ``Furniture`` draws page numbers "— 1 —" and the diagonal
  "草稿 未签发" watermark (``draft=True``); ``extra=callable(canvas, page_no)`` for more.
- ``RenderResult(data, pages, missing, warnings).messages()`` — Chinese lines for the user.
- Templates: :mod:`.notice` (``NoticeData``, ``render_notice``), :mod:`.board`
  (``render_board``), :mod:`.source` (from an item in the database, masked, audited).
"""

from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.page import (
                                      A3_BOARD,
                                      A3_POSTER,
                                      A4_NOTICE,
                                      Furniture,
                                      Geometry,
                                      RenderResult,
                                      build,
                                      write_atomic,
)
from deskapp.exports.pdf.para import Para, TextStyle, draw_runs, runs_width
from deskapp.exports.pdf.table import people_table

__all__ = [
    "FontBook", "Para", "TextStyle", "draw_runs", "runs_width", "people_table",
    "A4_NOTICE", "A3_POSTER", "A3_BOARD", "Geometry", "Furniture", "RenderResult", "build",
    "write_atomic",
]
