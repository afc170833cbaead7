"""The publication check (发布前检查): what a person must look at before an item goes out.

Two kinds of findings, each with its place (field, offset, line number, the line):

- 数字串: every number-like string still readable once the item is masked as it will be
  published (``masking.mask_text`` / ``mask_content``): a detector can miss a 社保号, a
  landline, an ID with a typo in its birth date; a person decides. Attachments' text is read
  when cheap (.txt, .docx, .xlsx; nothing is masked in a file, so its personal numbers count
  too); other files are listed as not checked.
- 错敏词: the office's editable list (setting ``sensitive_words``: outdated office names,
  common 错别字, words the office flags), matched over title and body in one pass
  (Aho-Corasick).

A finding confirmed by a person (who, when) is kept per item in the JSON setting row
``publication_check:<item id>`` (keyed by field + kind + text, so an edit that changes the
text brings the finding back) and audited. The notice cannot be printed while a finding of
the printed text (title, body) is unconfirmed (``board.noticeboard.check_printable``). No Qt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Iterator, Optional

import ahocorasick
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.privacy import masking
from deskapp.core.store import settings
from deskapp.core.store.models import Attachment, FileContent, Item, Setting

MIN_DIGITS = 7  # shorter runs are amounts, years, article numbers
PRINTED = ("title", "content")  # what a notice prints: an unconfirmed finding here blocks it
FIELD_LABELS = {"title": "标题", "summary": "摘要", "content": "正文"}
READABLE = (".txt", ".docx", ".xlsx")
MAX_ATTACHMENT_CHARS = 500_000
MAX_XLSX_ROWS = 5_000
KEY_PREFIX = "publication_check:"
_AMOUNT = re.compile(r"\d+[.．]\d{1,2}")  # 12345.67 (元): an amount, not an identifier


@dataclass(frozen=True)
class CheckFinding:
    """One thing a person must look at: where it is and what it is."""

    kind: str  # "number" / "word"
    field: str  # title/summary/content, or "attachment:<id>"
    place: str  # 标题 / 正文 / 附件《名单.xlsx》
    offset: int  # in the field's text
    line_no: int  # 1-based
    line: str
    text: str  # what was found
    note: str = ""  # 身份证号 / "建议改为“部署”"

    @property
    def key(self) -> str:
        """Stable while the finding's text stays: a confirmation is kept under this key."""
        return hashlib.sha256(f"{self.field}\x1f{self.kind}\x1f{self.text}".encode()).hexdigest()[:16]

    def describe(self) -> str:
        what = "数字串" if self.kind == "number" else "错敏词"
        note = f"（{self.note}）" if self.note else ""
        return f"{self.place}第{self.line_no}行{what}“{self.text}”{note}：{self.line.strip()[:60]}"


@dataclass(frozen=True)
class Confirmation:
    by: str
    at: str  # ISO time


@dataclass(frozen=True)
class CheckResult:
    findings: list[CheckFinding]
    confirmed: dict[str, Confirmation]
    skipped: list[str]  # attachments not read, with the reason

    def unconfirmed(self, fields: Optional[tuple[str, ...]] = None) -> list[CheckFinding]:
        return [f for f in self.findings if f.key not in self.confirmed
                and (fields is None or f.field in fields)]


# --- finding ----------------------------------------------------------------------------------

def _place(text: str, offset: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text.count("\n", 0, offset) + 1, text[start:end if end >= 0 else len(text)]


def _is_date(digits: str) -> bool:
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def _years_and_dates(digits: str) -> bool:
    """2026—2028, 20260923—20260929, 2026-09-23: years and dates one after another."""
    if not digits:
        return True
    if len(digits) >= 8 and _is_date(digits[:8]) and _years_and_dates(digits[8:]):
        return True
    return len(digits) >= 4 and 1900 <= int(digits[:4]) <= 2100 and _years_and_dates(digits[4:])


def number_findings(text: str, field: str, place: str,
                    public: frozenset[str] = frozenset()) -> Iterator[CheckFinding]:
    """Numbers of ``MIN_DIGITS`` digits or more still readable in ``text``, written as one
    (separators bridged as masking bridges them, but not a tab or line break: those join the
    visible ends of masked numbers in a table). Not one: dates and year ranges, an amount, a
    number in ``public`` (the office's own 监督电话 and fax, printed on every notice)."""
    for run in masking.runs(text):
        cuts = [0, *run.loose, len(run.digits)]
        for a, b in pairwise(cuts):
            digits = "".join(run.digits[a:b])
            if len(digits) < MIN_DIGITS or _years_and_dates(digits) or digits in public:
                continue
            if _AMOUNT.fullmatch(text[run.pos[a]:run.pos[b - 1] + 1]):
                continue
            yield _number(text, field, place, run.pos[a], run.pos[b - 1] + 1)


def _number(text: str, field: str, place: str, start: int, end: int) -> CheckFinding:
    line_no, line = _place(text, start)
    kinds = {f.label for f in masking.find(text[start:end])}
    return CheckFinding("number", field, place, start, line_no, line, text[start:end], "、".join(sorted(kinds)))


def parse_words(entries: list[str]) -> dict[str, str]:
    """"布署→部署" → {"布署": "部署"}; a plain word → {"word": ""}. Blank entries ignored."""
    words: dict[str, str] = {}
    for entry in entries:
        entry = str(entry).strip()
        for arrow in ("→", "->", "=>"):
            if arrow in entry:
                wrong, right = entry.split(arrow, 1)
                if wrong.strip():
                    words[wrong.strip()] = right.strip()
                break
        else:
            if entry:
                words[entry] = ""
    return words


def word_matcher(entries: list[str]) -> Optional[ahocorasick.Automaton]:
    words = parse_words(entries)
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, right in words.items():
        automaton.add_word(word, (word, right))
    automaton.make_automaton()
    return automaton


def word_findings(text: str, field: str, place: str,
                  automaton: Optional[ahocorasick.Automaton]) -> Iterator[CheckFinding]:
    """Each listed word in ``text``; where listed words overlap, the longest one."""
    if automaton is None or not text:
        return
    hits = sorted(((end - len(word) + 1, word, right) for end, (word, right) in automaton.iter(text)),
                  key=lambda h: (h[0], -len(h[1])))
    last_end = -1
    for start, word, right in hits:
        if start < last_end:
            continue
        last_end = start + len(word)
        line_no, line = _place(text, start)
        yield CheckFinding("word", field, place, start, line_no, line, word,
                           f"建议改为“{right}”" if right else "")


# --- attachments ------------------------------------------------------------------------------

def _docx_text(path: Path) -> str:
    import docx  # late: only when an item has a .docx attachment

    with path.open("rb") as fh:
        document = docx.Document(fh)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend("\t".join(c.text for c in row.cells) for row in table.rows)
    return "\n".join(lines)


def _xlsx_text(path: Path) -> str:
    import openpyxl  # late: only when an item has a .xlsx attachment

    with path.open("rb") as fh:
        return _book_text(openpyxl.load_workbook(fh, read_only=True, data_only=True))


def _book_text(book: Any) -> str:
    try:
        lines: list[str] = []
        for sheet in book.worksheets:
            for n, row in enumerate(sheet.iter_rows(values_only=True)):
                if n >= MAX_XLSX_ROWS:
                    break
                lines.append("\t".join("" if v is None else str(v) for v in row[:50]))
        return "\n".join(lines)
    finally:
        book.close()


def _file_text(path: Path, suffix: str) -> str:
    if suffix == ".txt":
        raw = path.read_bytes()[:MAX_ATTACHMENT_CHARS * 3]
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        return raw.decode("utf-8", errors="replace")
    return _docx_text(path) if suffix == ".docx" else _xlsx_text(path)


@contextmanager
def _readable(session: Session, path: Path, sha256: str) -> Iterator[Path]:
    """The stored file to parse: in the data folder (SQLite), or — a server keeps contents in
    the database (``file_content``) — its bytes in a temp file for the time of the parse."""
    stored = None if path.exists() else session.get(FileContent, sha256)
    if stored is None:
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="deskapp-check-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(stored.content)
        yield Path(name)
    finally:
        os.unlink(name)


def attachment_texts(session: Session, item_id: int,
                     files_dir: Optional[Path]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """[(field, place, text)] of the attachments cheap to read, and the ones skipped (why)."""
    rows = session.scalars(select(Attachment).where(Attachment.item_id == item_id,
                                                    Attachment.purpose == "attachment")
                           .order_by(Attachment.id)).all()
    texts: list[tuple[str, str, str]] = []
    skipped: list[str] = []
    for att in rows:
        suffix = Path(att.filename).suffix.lower()
        if suffix not in READABLE:
            skipped.append(f"附件《{att.filename}》不是 .txt/.docx/.xlsx，未检查，请人工查看。")
            continue
        if files_dir is None:
            skipped.append(f"附件《{att.filename}》未检查（没有打开附件库）。")
            continue
        # The store's layout (core.attachments.files.attachment_path): <files>/<2 hex>/<sha256>.
        path = files_dir / att.sha256[:2] / att.sha256
        try:
            with _readable(session, path, att.sha256) as readable:
                text = _file_text(readable, suffix)
        except Exception as exc:  # noqa: BLE001 - any parser failure: the person looks at the file
            skipped.append(f"附件《{att.filename}》无法读取（{type(exc).__name__}），未检查，请人工查看。")
            continue
        texts.append((f"attachment:{att.id}", f"附件《{att.filename}》", text[:MAX_ATTACHMENT_CHARS]))
    return texts, skipped


# --- the check --------------------------------------------------------------------------------

def public_numbers(values: dict[str, Any]) -> frozenset[str]:
    """The office's own numbers (settings 监督电话, 传真), digits only."""
    found = (["".join(r.digits) for r in masking.runs(str(values.get(k) or ""))] for k in ("phone", "fax"))
    return frozenset(d for numbers in found for d in numbers)


def item_findings(item: Item, values: dict[str, Any]) -> list[CheckFinding]:
    """Findings of the item's own text, as it will be published (masked); ``values`` are the
    desk's settings (mask_names, sensitive_words, phone, fax)."""
    automaton = word_matcher(list(values["sensitive_words"]))
    public = public_numbers(values)
    found: list[CheckFinding] = []
    for field in ("title", "summary", "content"):
        raw = getattr(item, field) or ""
        shown = (masking.mask_content(raw, bool(values["mask_names"])) if field == "content"
                 else masking.mask_text(raw))
        found.extend(number_findings(shown, field, FIELD_LABELS[field], public))
        if field != "summary":
            found.extend(word_findings(raw, field, FIELD_LABELS[field], automaton))
    return found


def confirmations(session: Session, item_id: int) -> dict[str, Confirmation]:
    row = session.get(Setting, f"{KEY_PREFIX}{item_id}")
    stored: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: Confirmation(str(v.get("by", "")), str(v.get("at", ""))) for k, v in stored.items()
            if isinstance(v, dict)}


def run_check(session: Session, item_id: int, files_dir: Optional[Path] = None) -> CheckResult:
    """The whole check of one item: its text, its attachments (when ``files_dir`` is given)."""
    item = session.get(Item, item_id)
    if item is None:
        raise DeskError(f"找不到编号为 {item_id} 的信息，请刷新后重试。")
    values = settings.get_all(session)
    found = item_findings(item, values)
    texts, skipped = attachment_texts(session, item_id, files_dir)
    for field, place, text in texts:
        found.extend(number_findings(text, field, place, public_numbers(values)))
    return CheckResult(found, confirmations(session, item_id), skipped)


def confirm(session: Session, actor: Actor, item_id: int, keys: list[str],
            files_dir: Optional[Path] = None, now: Optional[dt.datetime] = None) -> int:
    """A person confirms findings (by key) as fine to publish; kept with who and when, audited.
    Runs in the caller's transaction. Returns how many were newly confirmed."""
    result = run_check(session, item_id, files_dir)
    by_key = {f.key: f for f in result.findings}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise ValidationError({"findings": "要确认的检查结果已不存在（内容可能已修改），请重新检查后再确认。"})
    at = (now or dt.datetime.now()).isoformat(timespec="seconds")
    new = {k: {"by": actor.name, "at": at} for k in keys if k not in result.confirmed}
    if not new:
        return 0
    row = session.get(Setting, f"{KEY_PREFIX}{item_id}")
    stored = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
    stored.update(new)
    if row is None:
        session.add(Setting(key=f"{KEY_PREFIX}{item_id}", value=stored))
    else:
        row.value = stored
    audit.record(session, actor, "publication_check_confirm", "item", item_id, None,
                 {"confirmed": [by_key[k].describe() for k in new]})
    session.flush()
    return len(new)


def printable_refusal(session: Session, item: Item) -> Optional[str]:
    """Why the notice may not be printed yet (an unconfirmed finding in what it prints), or None."""
    values = settings.get_all(session)
    found = [f for f in item_findings(item, values) if f.field in PRINTED]
    done = confirmations(session, item.id)
    open_ = [f for f in found if f.key not in done]
    if not open_:
        return None
    more = f"等{len(open_)}处" if len(open_) > 1 else ""
    return (f"“{item.title[:30]}”的发布前检查有未确认的问题：{open_[0].describe()}{more}；"
            "请在“审核签发”中逐条核对修改或点“确认无误”，或打印草稿（命令行加 --draft）。")
