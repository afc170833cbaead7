"""Drafts of the annual report's text sections 一、五、六, written from the year's figures.

The clerk edits them in the window and the edited text is kept with the report
(annual_store.save_texts); these drafts are what a section holds until then, and what
"恢复草稿" brings back. Every number in a draft comes from the same rules as the tables
(tally for items and the work log, the tables themselves for requests and appeals), so the
text and the tables cannot disagree.

五 opens with last year's problems (taken from last year's saved text 五, the lines under its
heading "（N）本年度存在的主要问题") so this year's answer to each is written beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import TYPE_CHECKING, Optional

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from deskapp.core.reports import tally
from deskapp.core.reports.annual_labels import OUTCOME_ROWS, S4_KINDS
from deskapp.core.store.db import json_array_values
from deskapp.core.store.models import BoardIssue, InfoRequest, Item

if TYPE_CHECKING:
    from deskapp.core.reports.annual_sections import Section2, Section3, Section4

PROBLEMS_HEADING = "本年度存在的主要问题"
IMPROVED_HEADING = "上年度存在问题的改进情况"
MEASURES_HEADING = "改进措施"
NUMERALS = "一二三四五六七八九十"
HEADING = re.compile(r"^（[一二三四五六七八九十]+）")
TO_FILL = "【请填写改进情况】"
NO_FEES = "本年度未收取信息处理费。"
MAX_TITLES = 5  # titles named in a sentence before "等"


def percent(part: int, whole: int) -> str:
    """98.5% (one decimal, no needless .0)."""
    value = f"{100.0 * part / whole:.1f}".rstrip("0").rstrip(".")
    return f"{value}%"


def _list(counts: Counter[str], unit: str) -> str:
    return "、".join(f"{k}{n}{unit}" for k, n in counts.most_common() if n)


def _titles(titles: list[str], total: int) -> str:
    named = "、".join(f"《{t}》" for t in titles[:MAX_TITLES])
    return named + ("等" if total > MAX_TITLES else "")


class YearFacts:
    """The year's figures the texts quote, read once (a few grouped queries)."""

    def __init__(self, session: Session, year: int, today: dt.date) -> None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self.period = tally.Period.of(first, last, today, f"{year}年")
        self.figures = tally.figures_for(session, self.period)
        published = tally.published_in(self.period)
        self.by_kind: Counter[str] = Counter(dict(session.execute(
            select(Item.kind, func.count()).where(published).group_by(Item.kind)).all()))
        # Counted in SQL (json_each / json_array_elements_text): decoding every item's list in
        # Python took most of a second.
        channel = json_array_values(session, Item.channels).alias("channel")
        by_channel = (select(channel.c.value, func.count().label("n")).select_from(Item).join(channel, true())
                      .where(published, Item.attribute == "active").group_by(channel.c.value))
        self.by_channel: Counter[str] = Counter({str(row[0]): int(row.n) for row in session.execute(by_channel)})
        lacking = (select(Item.title).select_from(Item)
                   .outerjoin(tally.Interp, tally.Interp.id == Item.interpretation_id)
                   .where(tally.policy_without_interpretation(self.period)).order_by(Item.published_on, Item.id)
                   .limit(MAX_TITLES + 1))
        self.without_interpretation = list(session.scalars(lacking))  # the first few, to name them
        self.lacking = self.n("policy_without_interpretation")
        removed_late = and_(Item.removed_on.between(first, last), Item.removed_on > Item.notice_end)
        board = session.execute(select(
            func.coalesce(func.sum(case((Item.posted_on.between(first, last), 1), else_=0)), 0),
            func.coalesce(func.sum(case((removed_late, 1), else_=0)), 0))).one()
        self.posted, self.removed_late = int(board[0]), int(board[1])
        self.board_issues = int(session.scalar(select(func.count()).select_from(BoardIssue).where(
            BoardIssue.year == year)) or 0)
        closed_late = and_(InfoRequest.reply_on.between(first, last), InfoRequest.due_on.is_not(None),
                           InfoRequest.reply_on > InfoRequest.due_on, InfoRequest.withdrawn_on.is_(None))
        self.requests_late = int(session.scalar(select(func.count()).select_from(InfoRequest).where(closed_late)) or 0)
        fee_rows = session.execute(select(InfoRequest.fee_cents).where(
            InfoRequest.fee_paid_on.between(first, last), InfoRequest.fee_cents.is_not(None))).all()
        self.fees = [int(c) for (c,) in fee_rows if c]

    def n(self, key: str) -> int:
        value = self.figures.get(key)
        return int(value or 0)


# --- 一、总体情况 ----------------------------------------------------------------------------------

def _active(f: YearFacts, s2: "Section2") -> str:
    text = (f"（一）主动公开。全年主动公开政府信息{f.n('new_active')}条，其中政策文件类公文{f.n('policy_documents')}件"
            f"（行政规范性文件{s2.value('normative', 'issued') or 0}件），政策解读稿件{f.n('interpretations')}篇，"
            f"公告公示{f.n('notices')}条，工作动态{f.n('news')}条。")
    if f.by_kind:
        text += f"按类别分：{_list(f.by_kind, '条')}。"
    if f.by_channel:
        text += f"按公开渠道分：{_list(f.by_channel, '条')}。"
    if f.lacking:
        text += f"本年发布的政策文件中，{_titles(f.without_interpretation, f.lacking)}共{f.lacking}件尚未发布政策解读。"
    elif f.n("policy_documents"):
        text += "本年发布的政策文件均已同步发布政策解读。"
    return text


def _on_request(s3: "Section3", s4: "Section4") -> str:
    def total(row: str) -> int:
        return s3.value(row, "total")

    groups = {"予以公开": ("open",), "部分公开": ("partial",),
              "不予公开": tuple(r for r in OUTCOME_ROWS if r.startswith("refuse_")),
              "无法提供": tuple(r for r in OUTCOME_ROWS if r.startswith("unable_")),
              "不予处理": tuple(r for r in OUTCOME_ROWS if r.startswith("reject_")),
              "其他处理": tuple(r for r in OUTCOME_ROWS if r.startswith("other_"))}
    parts = "、".join(f"{name}{sum(total(r) for r in rows)}件" for name, rows in groups.items()
                      if sum(total(r) for r in rows))
    text = (f"（二）依申请公开。全年新收政府信息公开申请{total('new')}件，上年结转{total('carried_in')}件；"
            f"本年度办结{total('outcomes_total')}件")
    text += f"，其中{parts}" if parts else ""
    text += f"；结转下年度继续办理{total('carried_out')}件。"
    reviews = s4.value("review", "total")
    suits = sum(s4.value(k, "total") for k in S4_KINDS if k != "review")
    if reviews or suits:
        text += f"因政府信息公开引发行政复议{reviews}件、行政诉讼{suits}件。"
    else:
        text += "本年度未发生因政府信息公开引发的行政复议、行政诉讼。"
    return text


def _management(f: YearFacts, s2: "Section2") -> str:
    text = "（三）政府信息管理。严格执行先审查后公开制度，"
    with_deadline, on_time = f.n("with_deadline"), f.n("on_time")
    if with_deadline:
        text += (f"有公开期限的{with_deadline}条信息中按时公开{on_time}条，按时公开率{percent(on_time, with_deadline)}"
                 f"，超期公开{f.n('late_published')}条；")
    overdue = f.n("overdue_unpublished")
    text += f"年末超过公开期限尚未公开的信息{overdue}条。" if overdue else "年末无超过公开期限尚未公开的信息。"
    text += (f"清理行政规范性文件，本年废止{s2.value('normative', 'repealed') or 0}件，"
             f"年末现行有效{s2.value('normative', 'in_force') or 0}件。")
    return text


def _platforms(f: YearFacts) -> str:
    text = "（四）平台建设。"
    site = f.by_channel.get("政府网站", 0)
    text += f"通过政府网站主动公开信息{site}条。" if site else "政府网站信息发布渠道保持畅通。"
    if f.posted or f.board_issues:
        text += f"政务公开栏共出刊{f.board_issues}期，张贴公示{f.posted}条"
        text += f"，其中{f.removed_late}条公示期满后未按时撤下。" if f.removed_late else "，公示期满均按时撤下。"
    return text


def _oversight(f: YearFacts) -> str:
    return (f"（五）监督保障。全年召开政府信息公开工作会议{f.n('meetings')}次，开展业务培训{f.n('trainings')}次，"
            f"专题讲座和宣传活动{f.n('publicity')}次，座谈会、听证会{f.n('hearings')}次，监督评议{f.n('supervision')}次；"
            f"通过微博、网评、热线、来信回应群众询问{f.n('responses')}次。")


def draft_one(f: YearFacts, office: str, year: int, s2: "Section2", s3: "Section3", s4: "Section4") -> str:
    opening = (f"{year}年，{office or '本机关'}认真贯彻落实《中华人民共和国政府信息公开条例》，"
               f"扎实推进政府信息公开工作。现将有关情况报告如下。")
    return "\n".join([opening, _active(f, s2), _on_request(s3, s4), _management(f, s2), _platforms(f),
                      _oversight(f)])


# --- 五、存在的主要问题及改进情况 ----------------------------------------------------------------------

def last_year_problems(previous_five: str) -> list[str]:
    """The problems listed in last year's text 五: the lines under its heading （N）本年度存在的主要问题
    up to the next heading, without their "1." numbers; for a text written otherwise, every line
    that is not a heading nor an 改进情况 line."""
    lines = [line.strip() for line in previous_five.splitlines() if line.strip()]
    start = next((i + 1 for i, line in enumerate(lines) if HEADING.match(line) and PROBLEMS_HEADING in line), None)
    if start is not None:
        end = next((i for i in range(start, len(lines)) if HEADING.match(lines[i])), len(lines))
        lines = lines[start:end]
    return [re.sub(r"^\d+[.．、]\s*", "", line) for line in lines
            if not HEADING.match(line) and not line.startswith("改进情况：")]


def problems_found(f: YearFacts) -> list[tuple[str, str]]:
    """(problem, measure) pairs read from the year's figures, in the order the format cares."""
    out: list[tuple[str, str]] = []
    if f.lacking:
        out.append((f"部分政策文件未同步解读，本年有{f.lacking}件政策文件未发布政策解读。",
                    "严格落实政策文件与解读材料同步组织、同步审签、同步部署，补齐未解读文件的解读材料。"))
    late, with_deadline = f.n("late_published"), f.n("with_deadline")
    if late:
        out.append((f"个别信息公开不够及时，{with_deadline}条有公开期限的信息中{late}条超期公开。",
                    "建立公开期限提醒机制，信息形成后及时提交审查，确保在规定时限内公开。"))
    overdue = f.n("overdue_unpublished")
    if overdue:
        out.append((f"年末仍有{overdue}条信息超过公开期限尚未公开。",
                    "逐条清理超期未公开信息，明确责任科室和完成时限。"))
    if f.removed_late:
        out.append((f"公示栏管理不够规范，{f.removed_late}条公示期满后未按时撤下。",
                    "每周核对公示栏，公示期满即撤下并留存照片。"))
    if f.requests_late:
        out.append((f"依申请公开答复时效有待提高，{f.requests_late}件申请超过法定期限答复。",
                    "加强依申请公开办理跟踪，临近期限提前提醒，确需延期的依法履行延期手续。"))
    if not f.n("trainings"):
        out.append(("业务培训开展不够，本年度未组织政府信息公开业务培训。",
                    "每年至少组织一次政府信息公开业务培训，提高工作人员业务能力。"))
    if not out:
        out.append(("政府信息公开的深度和政策解读的针对性仍有待加强。",
                    "围绕群众关注的热点，丰富解读形式，提升公开实效。"))
    return out


def draft_five(f: YearFacts, previous_five: str) -> str:
    lines: list[str] = []
    headings = iter(NUMERALS)
    previous = last_year_problems(previous_five)
    if previous:
        lines.append(f"（{next(headings)}）{IMPROVED_HEADING}")
        for n, problem in enumerate(previous, 1):
            lines += [f"{n}.{problem}", f"改进情况：{TO_FILL}"]
    found = problems_found(f)
    lines.append(f"（{next(headings)}）{PROBLEMS_HEADING}")
    lines += [f"{n}.{problem}" for n, (problem, _) in enumerate(found, 1)]
    lines.append(f"（{next(headings)}）{MEASURES_HEADING}")
    lines += [f"{n}.{measure}" for n, (_, measure) in enumerate(found, 1)]
    return "\n".join(lines)


# --- 六、其他需要报告的事项 --------------------------------------------------------------------------

def yuan(cents: int) -> str:
    """12.50 元 → "12.5"; whole yuan without decimals."""
    return f"{cents / 100:.2f}".rstrip("0").rstrip(".")


def draft_six(f: YearFacts) -> str:
    if f.fees:
        fee = (f"本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费"
               f"{len(f.fees)}件，共计{yuan(sum(f.fees))}元。")
    else:
        fee = NO_FEES
    return "\n".join([fee, "本年度无其他需要报告的事项。"])


def draft_texts(session: Session, year: int, today: dt.date, s2: "Section2", s3: "Section3", s4: "Section4",
                previous_five: str = "", office: Optional[str] = None) -> dict[str, str]:
    """{"一": …, "五": …, "六": …} drafted from the year's figures."""
    f = YearFacts(session, year, today)
    return {"一": draft_one(f, office or "", year, s2, s3, s4), "五": draft_five(f, previous_five),
            "六": draft_six(f)}
