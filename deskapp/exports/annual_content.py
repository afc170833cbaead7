"""The annual report as the Word, Excel and PDF writers draw it: :func:`report_doc` turns a
core :class:`~deskapp.core.reports.annual.AnnualReport` into a :class:`ReportDoc` (title, the
six sections with their texts, tables 二/三/四 as layout grids, the sign-off).

Every label comes from :mod:`deskapp.core.reports.annual_labels` (spelled once for the
writers and the checker); every number from the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional, Sequence

from deskapp.core.reports.annual import AnnualReport
from deskapp.core.reports.annual_labels import (
    COLUMN_LABELS,
    S2_BLOCKS,
    S2_CONTENT_HEADER,
    S3_APPLICANT_HEADER,
    S3_ORG_HEADER,
    S3_ROWS,
    S3_TOP_LEFT_NOTE,
    S4_KIND_LABELS,
    S4_RESULT_LABELS,
    S4_REVIEW,
    S4_SUIT,
    SECTION_TITLES,
    report_title,
)
from deskapp.exports.annual_layout import (
    Block2,
    DocSection,
    Grid,
    Number,
    ReportDoc,
    Row3,
    section2_grid,
    section3_grid,
    section4_grid,
)


def _outline() -> tuple[tuple[str, tuple[Row3, ...]], ...]:
    """annual_labels.S3_ROWS nested as the format prints them: parts, their groups, sub-rows."""
    parts: dict[str, dict[str, list[str]]] = {}
    for spec in S3_ROWS:
        groups = parts.setdefault(spec.part, {})
        if spec.group:
            subs = groups.setdefault(spec.group, [])
            if spec.sub:
                subs.append(spec.sub)
    return tuple((part, tuple(Row3(g, tuple(subs)) for g, subs in groups.items()))
                 for part, groups in parts.items())


S3_OUTLINE = _outline()
OFFICE_PLACEHOLDER = "XX街道办事处"  # until 设置 → 单位名称 is filled in



def grid2(values: Sequence[Sequence[Optional[Number]]]) -> Grid:
    """``values``: per row of section 二 in order (规章, 行政规范性文件, 行政许可, 行政处罚,
    行政强制, 行政事业性收费) its numbers (three for the first two, one for the others;
    None where a figure is not entered)."""
    it = iter(values)
    blocks = []
    for spec in S2_BLOCKS:
        rows = tuple((label, tuple(next(it))) for _, label in spec.rows)
        blocks.append(Block2(spec.caption, tuple(label for _, label in spec.columns), rows))
    return section2_grid(blocks, S2_CONTENT_HEADER)


def grid3(values: Sequence[Sequence[Number]]) -> Grid:
    return section3_grid(S3_TOP_LEFT_NOTE, S3_APPLICANT_HEADER, COLUMN_LABELS[0], S3_ORG_HEADER,
                         COLUMN_LABELS[1:6], COLUMN_LABELS[6], S3_OUTLINE, values)


def grid4(values: Sequence[Number]) -> Grid:
    return section4_grid(S4_REVIEW, S4_SUIT, S4_KIND_LABELS["suit_direct"], S4_KIND_LABELS["suit_after_review"],
                         S4_RESULT_LABELS, values)


def report_doc(report: AnnualReport, today: dt.date) -> ReportDoc:
    """The whole report: 一、五、六 are the report's texts (the clerk's, or the drafts), 二、三、四
    its tables; signed with the office's name and ``today``."""
    office = report.office or OFFICE_PLACEHOLDER
    s2 = [tuple(report.section2.value(row, col) for col, _ in spec.columns)
          for spec in S2_BLOCKS for row, _ in spec.rows]
    grids = {"二": grid2(s2), "三": grid3(report.section3.grid()), "四": grid4(report.section4.row())}
    sections = []
    for key, heading in SECTION_TITLES.items():
        text = report.texts.get(key, "")
        sections.append(DocSection(heading, (text,) if text.strip() else (), grids.get(key)))
    return ReportDoc(report_title(office, report.year), tuple(sections), office, today, report.anchor)
