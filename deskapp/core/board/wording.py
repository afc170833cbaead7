"""What a printed notice says besides its own text, per kind of notice: one table, ``WORDINGS``.

A 公示 invites objections within a period (domain.md §4): "现予公示，接受社会公众监督。公示时间：…"
and the 监督电话. A 公告 or 通告 announces, a 通知 tells: they close with "特此公告。" /
"特此通告。" / "特此通知。" and have no period and no 监督电话. An item of another kind
(工作动态, 政策文件…) printed as a notice adds nothing: its text is what it says.

Which one an item is: a "公告公示" item is what its title names, by the last 文种 word in it
(GB/T 9704: 标题 = 发文机关 + 事由 + 文种; "关于…的公告"), a 公示 when the title names none. Items
of other kinds are plain, whatever their title mentions ("召开低保公示工作会议" is news).
Pure Python: the PDF templates (notice, board sheet), the CLI and the window all read this.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTICE_KIND = "公告公示"  # the item kind printed with a genre's wording (also noticeboard.NOTICE_KIND)
PLAIN = ""  # the genre of items of any other kind
GENRE_WORDS = ("公示", "公告", "通告", "通知")


@dataclass(frozen=True)
class Line:
    """One printed sentence. ``template`` may use {period}, {who} and {phone}; the line is
    left out when a value it uses is empty, or when the body already contains ``said_if``
    (formatted the same way) because the clerk typed it herself."""

    template: str
    said_if: str

    def fields(self) -> set[str]:
        return {name for name in ("period", "who", "phone") if "{" + name + "}" in self.template}


@dataclass(frozen=True)
class Wording:
    """How one genre reads: ``heading`` names the document (QR caption, messages);
    ``opening`` is the sentence that opens the closing part (for a 公示 the invitation and its
    period), ``closing`` the sentences after it; ``period`` / ``phone`` say whether a missing
    公示期 or 监督电话 is worth a warning."""

    heading: str
    opening: tuple[Line, ...] = ()
    closing: tuple[Line, ...] = ()
    period: bool = False
    phone: bool = False

    def lines(self, body: str, period: str = "", who: str = "", phone: str = "") -> list[str]:
        """The sentences to print after ``body``, in order, each at most once."""
        values = {"period": period, "who": who, "phone": phone}
        out = []
        for line in self.opening + self.closing:
            if any(not values[name] for name in line.fields()):
                continue
            if line.said_if.format(**values) in body:
                continue
            out.append(line.template.format(**values))
        return out


WORDINGS: dict[str, Wording] = {
    "公示": Wording(
        heading="公示",
        opening=(Line("现予公示，接受社会公众监督。公示时间：{period}。", said_if="公示时间"),),
        closing=(Line("公示期间，如有异议，请以书面或电话形式向{who}反映。监督电话：{phone}。", said_if="{phone}"),),
        period=True, phone=True),
    "公告": Wording(heading="公告", closing=(Line("特此公告。", said_if="特此公告"),)),
    "通告": Wording(heading="通告", closing=(Line("特此通告。", said_if="特此通告"),)),
    "通知": Wording(heading="通知", closing=(Line("特此通知。", said_if="特此通知"),)),
    PLAIN: Wording(heading="原文"),
}


def genre_of(kind: str, title: str) -> str:
    """The key in ``WORDINGS`` for an item: see the module docstring."""
    if kind != NOTICE_KIND:
        return PLAIN
    found = [(title.rfind(word), word) for word in GENRE_WORDS if word in title]
    return max(found)[1] if found else "公示"


def wording(genre: str) -> Wording:
    """The wording of ``genre``; an unknown genre reads as plain text (adds nothing)."""
    return WORDINGS.get(genre, WORDINGS[PLAIN])
