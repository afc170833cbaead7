"""The letters of 依申请公开 (登记回执, 补正/延期告知书, 征求第三方意见书, 答复书) as A4 PDFs.

Same engine, fonts and GB/T 9704 page as the notices: title 2号小标宋 centred, the request
number on the next line, the addressee 顶格 followed by ：, the body in 3号仿宋 (首行缩进二字),
the 救济途径 paragraph of a reply, 署名 and 成文日期 at the foot (右空二字), and the office's
address and phone as a 附注 in parentheses below the date.

``LetterData`` holds the facts of one letter (plain, frozen); :func:`compose_letter` words
it (:mod:`deskapp.core.requests.wording`, the defaults or the office's own); ``render_letter``
lays it out. Free text is cleaned of control characters and masked (``mask_text``); the
applicant's 证件号 is always printed masked, and never on the letter to a third party.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from typing import Optional

from reportlab.platypus import Flowable, KeepTogether

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.privacy.masking import mask_text
from deskapp.core.requests import wording as wd
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.notice import Signature, Styles
from deskapp.exports.pdf.page import A4_NOTICE, Furniture, RenderResult, build
from deskapp.exports.pdf.para import Para

_KEEP = {"\n": " ", "\r": " ", "\t": " "}


@dataclass(frozen=True)
class LetterData:
    """One letter's facts. ``paragraphs`` empty = not worded yet (render words it with the
    default wording; :func:`compose_letter` with the office's)."""

    kind: str  # receipt / supplement / extension / third_party (or third-party) / reply
    office: str  # 署名
    number: str  # 申请编号
    letter_date: dt.date  # 成文日期
    applicant: str = ""
    id_number: str = ""  # printed masked, whatever is given
    outcome: str = ""  # a reply's section 三 code (open, partial, refuse_1 …)
    address: str = ""  # the office's, for the 附注
    phone: str = ""
    received: Optional[dt.date] = None
    due: Optional[dt.date] = None
    new_due: Optional[dt.date] = None
    supplement_end: Optional[dt.date] = None
    third_party_due: Optional[dt.date] = None
    subject: str = ""  # what was asked for
    missing: str = ""  # what to supplement
    approver: str = ""  # who approved the extension
    third_party: str = ""
    reason: str = ""  # the office's 理由说明 for this letter, printed as its own paragraph
    draft: bool = False
    # Filled by compose_letter:
    title: str = ""
    addressee: str = ""
    paragraphs: tuple[str, ...] = ()
    remedy: str = ""
    warnings: tuple[str, ...] = ()


def clean(text: str) -> str:
    """One line of printable text: control and format characters (bidi overrides, NUL, ESC…)
    dropped, line breaks and tabs made spaces, runs of spaces folded."""
    out = []
    for ch in text:
        if ch in _KEEP:
            out.append(_KEEP[ch])
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(ch)
    return " ".join("".join(out).split())


def free_text(text: str) -> str:
    """Text typed by someone (applicant, clerk): cleaned, and every ID/phone/card masked."""
    return mask_text(clean(text))


def masked_id(number: str) -> str:
    """An ID as printed on a letter: a 身份证号 masked as everywhere (330102********123X);
    anything else (passport, 统一社会信用代码) keeps only its ends."""
    number = clean(number).replace(" ", "")
    if not number:
        return ""
    masked = mask_text(number)
    if masked != number:
        return masked
    n = len(number)
    head, tail = (min(6, n // 3), min(4, n // 4)) if n > 4 else (0, 0)
    return number[:head] + "*" * (n - head - tail) + number[n - tail:]


def _date(day: Optional[dt.date]) -> str:
    return chinese_date(day) if day else ""


def letter_values(data: LetterData) -> dict[str, str]:
    """The template fields of ``data``: dates as 2026年9月3日, free text cleaned and masked."""
    to_third = wd.normalise_kind(data.kind) == "third_party"
    return {
        "office": clean(data.office),
        "applicant": "" if to_third else free_text(data.applicant),
        "id_number": "" if to_third else masked_id(data.id_number),
        "number": clean(data.number),
        "subject": free_text(data.subject),
        "received": _date(data.received),
        "letter_date": _date(data.letter_date),
        "due": _date(data.due),
        "new_due": _date(data.new_due),
        "supplement_end": _date(data.supplement_end),
        "missing": free_text(data.missing),
        "approver": free_text(data.approver),
        "third_party": free_text(data.third_party),
        "third_party_due": _date(data.third_party_due),
        "reason": free_text(data.reason),
        "address": clean(data.address),
        "phone": clean(data.phone),
    }


def compose_letter(data: LetterData, wording: Optional[wd.Wording] = None) -> LetterData:
    """``data`` with its title, addressee, paragraphs and 救济途径 worded (default wording
    unless the office's, from :func:`deskapp.core.requests.wording.load_wording`, is given)."""
    kind = wd.normalise_kind(data.kind)
    words = wd.compose(wording or wd.Wording.defaults(), kind, letter_values(data), data.outcome)
    return replace(data, kind=kind, title=words.title, addressee=words.addressee,
                   paragraphs=words.paragraphs, remedy=words.remedy, warnings=words.warnings)


def contact_line(data: LetterData) -> str:
    """The 附注: （联系地址：…；联系电话：…）, or "" when the office has set neither."""
    parts = [f"{label}：{value}" for label, value in (("联系地址", clean(data.address)),
                                                      ("联系电话", clean(data.phone))) if value]
    return f"（{'；'.join(parts)}）" if parts else ""


def letter_flowables(data: LetterData, fonts: FontBook, missing: set[str]) -> list[Flowable]:
    g = A4_NOTICE
    st = Styles(g)
    flow: list[Flowable] = [
        Para(data.title or wd.KINDS[wd.normalise_kind(data.kind)], st.title.but(space_after=0), fonts, missing),
        Para(f"申请编号：{clean(data.number) or '＿＿＿＿＿＿'}", st.body.but(first_indent=0, align="center",
                                                                         space_after=g.leading), fonts, missing),
        Para(f"{clean(data.addressee) or '＿＿＿＿＿＿'}：", st.body.but(first_indent=0, align="left"), fonts, missing),
    ]
    # Paragraphs given by a caller are cleaned and masked here too (the safety net).
    body = [Para(free_text(p), st.body, fonts, missing) for p in [*data.paragraphs, data.remedy] if p.strip()]
    foot: list[Flowable] = [Signature(clean(data.office) or "＿＿＿＿＿＿", data.letter_date, g, fonts, missing)]
    contact = contact_line(data)
    if contact:
        foot.append(Para(contact, st.body, fonts, missing))  # 附注: the next line, 左空二字
    # 署名, date and 附注 never stand alone on a page: the last paragraph goes with them.
    return flow + body[:-1] + [KeepTogether(body[-1:] + foot)]


def render_letter(data: LetterData, fonts: Optional[FontBook] = None) -> RenderResult:
    """One letter as an A4 PDF in memory (worded with the defaults if not yet worded)."""
    if not data.paragraphs:
        data = compose_letter(data)
    fonts = fonts or FontBook.get()
    missing: set[str] = set()
    flow = letter_flowables(data, fonts, missing)
    title = f"{data.title}（{clean(data.number)}）"[:100]
    pdf, pages = build(flow, A4_NOTICE, Furniture(A4_NOTICE, fonts, draft=data.draft), title)
    return RenderResult(pdf, pages, missing, list(data.warnings))
