"""An item's content as blocks: paragraphs, numbered headings, and tables of people.

Content is plain text as clerks paste it: a line is a paragraph; a line starting "一、" is a
first-level heading (黑体), "（一）" a second-level heading (楷体), "1." and "（1）" stay 仿宋;
consecutive tab-separated lines are a table whose first line is the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_H1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_H2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_SENTENCE_END = re.compile(r"[。：:]")
_DATE_LINE = re.compile(r"^\s*\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?\s*$")


@dataclass
class Block:
    kind: str  # paragraph / h1 / h2 / table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    def heading_split(self) -> tuple[str, str]:
        """A heading line may run on into text: (heading part incl. its 。, the rest)."""
        m = _SENTENCE_END.search(self.text)
        if m is None or m.end() == len(self.text):
            return self.text, ""
        return self.text[:m.end()], self.text[m.end():]


def parse(content: str) -> list[Block]:
    blocks: list[Block] = []
    table: list[list[str]] = []
    for raw in content.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\t" in raw:
            table.append([c.strip() for c in raw.split("\t")])
            continue
        if table:
            blocks.append(_table_block(table))
            table = []
        line = raw.strip().strip("\u3000")
        if not line:
            continue
        if _H1.match(line):
            blocks.append(Block("h1", line))
        elif _H2.match(line):
            blocks.append(Block("h2", line))
        else:
            blocks.append(Block("paragraph", line))
    if table:
        blocks.append(_table_block(table))
    return blocks


def _table_block(rows: list[list[str]]) -> Block:
    width = max(len(r) for r in rows)
    return Block("table", rows=[r + [""] * (width - len(r)) for r in rows])


def plain_text(blocks: list[Block]) -> str:
    """All text of the blocks (for checks such as: does it already say 公示时间?)."""
    parts = []
    for b in blocks:
        parts.append(b.text if b.kind != "table" else "\n".join("\t".join(r) for r in b.rows))
    return "\n".join(parts)


def trailing_signature(content: str) -> tuple[str, str, str]:
    """Content pasted with its own 落款 (an issuer line, then a date line, at the end):
    (content without them, issuer, date text); empty strings when there is none. The notice
    then places them where GB/T 9704 wants them instead of printing a second signature."""
    lines = content.rstrip().split("\n")
    if len(lines) < 2 or not _DATE_LINE.match(lines[-1]):
        return content, "", ""
    issuer = lines[-2].strip().strip("\u3000")
    if not issuer or len(issuer) > 30 or "\t" in issuer or re.search(r"[。，；：]", issuer):
        return "\n".join(lines[:-1]), "", lines[-1].strip()
    return "\n".join(lines[:-2]), issuer, lines[-1].strip()
