"""Replacing one dated section of bench/README.md with a benchmark's latest figures."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def replace_section(heading: str, body: str, readme: Path = README) -> None:
    """Put ``heading`` + ``body`` in place of the section under ``heading`` (up to the next
    ``## ``), or at the end when the README has no such section yet."""
    text = readme.read_text("utf-8")
    block = f"{heading}\n\n{body.rstrip()}\n"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + block + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + block
    readme.write_text(text, "utf-8")
