"""Dates as clerks type them, and as the desk writes them (成文日期: 2026年9月3日)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, with its 1900 leap-year bug absorbed


def parse_date(text: object) -> Optional[dt.date]:
    """2026-9-3, 2026/09/03, 2026.9.3, 2026年9月3日 (or 3号), 20260903, an Excel serial, a date.

    None when it is not a real date.
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return from_excel_serial(text)
    if not isinstance(text, str):
        return None
    m = _YMD.match(text) or _COMPACT.match(text)
    if not m:
        stripped = text.strip()
        if re.fullmatch(r"\d{5}(\.0+)?", stripped):
            return from_excel_serial(float(stripped))
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def from_excel_serial(serial: float) -> Optional[dt.date]:
    if not 1 <= serial < 2958466:  # Excel's last day is 9999-12-31
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def chinese_date(day: dt.date) -> str:
    """成文日期 style: Arabic numerals, full year, no leading zeros — 2026年9月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


def iso_or_none(day: Optional[dt.date]) -> Optional[str]:
    """A date as ISO text for JSON (cli.md: ``YYYY-MM-DD`` or null)."""
    return day.isoformat() if day else None
