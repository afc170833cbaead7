"""The 自查报告 draft: the text of a quarter's self-inspection report, from the 工作台.

The structure is the one street offices use (``shared/seed/self-inspection-reports.txt``,
篇三): a lead paragraph, 一、基本情况 with the figures in sentences ("截至第三季度，公开政策
文件类公文信息数 N 条 …"), 二、存在问题 — one "一是…" paragraph per checklist finding that is
not zero — and 三、整改措施 with a default measure for each of those findings, which the clerk
edits (in the window, or in Word) before it is sent. Plain text here; the Word document is
built by :mod:`deskapp.exports.word.self_inspection`. No Qt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from deskapp.core.dashboard.board import QUARTER_NAMES, Dashboard, Finding
from deskapp.core.reports.tally import Value

ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Problem:
    """A finding as the report words it: the problem and its measure (editable)."""

    key: str
    problem: str
    measure: str


@dataclass(frozen=True)
class SelfInspection:
    title: str
    org: str
    year: int
    quarter: int
    lead: str
    basics: tuple[str, ...]  # 一、基本情况, paragraph by paragraph
    problems: tuple[Problem, ...]  # 二、存在问题 and 三、整改措施, finding by finding
    none_found: str  # 二's sentence when no finding is open
    closing: str
    signed_on: dt.date

    @property
    def through(self) -> str:
        return f"截至第{QUARTER_NAMES[self.quarter - 1]}季度"

    def with_measures(self, measures: Mapping[str, str]) -> "SelfInspection":
        """The same draft with the clerk's wording of the measures (key → text); a blank text
        keeps the default."""
        edited = tuple(dataclasses.replace(p, measure=measures.get(p.key, "").strip() or p.measure)
                       for p in self.problems)
        return dataclasses.replace(self, problems=edited)

    def numbered(self, texts: list[str]) -> list[str]:
        return [f"{ORDINALS[i]}是{t}" for i, t in enumerate(texts)]


def _n(v: Value) -> int:
    return int(v or 0)


def _rate(v: Value) -> str:
    return "—" if v is None else f"{float(v) * 100:.1f}%"


# key → (problem, default measure); {n} is the count, {detail} the finding's detail.
WORDING: dict[str, tuple[str, str]] = {
    "policy_without_interpretation": (
        "政策解读不同步。本年发布的政策文件、规范性文件中，有 {n} 件未同步发布解读稿件，"
        "对一些易引发误解的文件未能前置解读。",
        "落实政策文件与解读材料同步起草、同步审签、同步发布的要求，对上述 {n} 件文件逐件补发解读稿件，"
        "今后未附解读稿件的政策文件不予签发。"),
    "board_due_down": (
        "公示栏管理不够及时。有 {n} 条公示公示期已满，仍未从公示栏撤下。",
        "建立公示栏定期巡查制度，公示期满后及时撤下并拍照留存，上述 {n} 条公示立即撤下并登记。"),
    "overdue_unpublished": (
        "信息公开不够及时。有 {n} 条应主动公开的信息已超过公开期限（形成或变更之日起20个工作日）仍未发布。",
        "严格执行《中华人民共和国政府信息公开条例》第二十六条，对超期信息逐条督办、限期发布，"
        "并将按时公开情况纳入科室考核。"),
    "requests_late": (
        "依申请公开办理超期。有 {n} 件政府信息公开申请已超过答复期限仍未办结。",
        "对超期申请逐件督办，尽快依法答复；确需延长答复期限的，严格履行审批和告知程序。"),
    "review_stalled": (
        "审核流转不够顺畅。有 {n} 条信息在同一审核环节等待超过 {limit} 个工作日。",
        "明确各审核环节的办理时限，审核人员不在岗时指定代审人员，避免待审信息积压。"),
    "holidays_missing": (
        "工作日历维护不及时。{detail}节假日安排尚未录入，相关期限暂按周一至周五推算。",
        "国务院公布节假日安排后，及时在“设置 → 节假日安排”中录入，确保各项期限计算准确。"),
    "quarters_unlocked": (
        "季度统计上报不及时。{detail}统计数字尚未核对上报并锁定。",
        "每季度结束后及时核对统计数字、报送并标记“已上报”，锁定上报数字，此后的变动逐条说明。"),
}


def _problem(f: Finding, limit: int) -> Problem:
    problem, measure = WORDING[f.key]
    values = {"n": f.count, "detail": f.detail.split("；")[0], "limit": limit}
    return Problem(f.key, problem.format(**values), measure.format(**values))


def _basics(d: Dashboard, org: str) -> tuple[str, ...]:
    ytd, q = d.ytd_figures, d.quarter_figures
    through = f"截至第{QUARTER_NAMES[d.quarter - 1]}季度"
    first = (f"{d.year}年，{org}认真执行《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”，"
             f"按照“先审查、后公开”的要求做好政府信息公开工作。"
             f"{through}，公开政策文件类公文信息数 {_n(ytd['policy_documents'])} 条，"
             f"主动公开新增信息数 {_n(ytd['new_active'])} 条，政策解读稿件发布数 {_n(ytd['interpretations'])} 篇，"
             f"回应群众询问 {_n(ytd['responses'])} 次，召开政府信息公开工作会 {_n(ytd['meetings'])} 次，"
             f"开展业务培训 {_n(ytd['trainings'])} 次。")
    second = (f"按时公开方面，本年有公开期限的信息 {_n(ytd['with_deadline'])} 条，按时公开 {_n(ytd['on_time'])} 条，"
              f"按时公开率 {_rate(ytd['on_time_rate'])}；其中第{QUARTER_NAMES[d.quarter - 1]}季度主动公开新增信息数 "
              f"{_n(q['new_active'])} 条，按时公开率 {_rate(q['on_time_rate'])}。")
    third = (f"公示栏现有公示中 {d.board.showing} 条，本年公示期满后逾期撤下 {d.board.removed_late} 条；"
             f"依申请公开方面，目前尚未办结的申请 {d.requests.open} 件，其中已超过答复期限 {d.requests.late} 件。")
    return first, second, third


def self_inspection(d: Dashboard, org: str, signed_on: dt.date, review_limit: int) -> SelfInspection:
    """The draft for the quarter ``d`` was built for (``dashboard(session, today, year,
    quarter)``); ``org`` is the office's name (settings' 机关名称), "本单位" when blank;
    ``review_limit`` the 审核超时 setting (``dashboard.review_step_limit``) its wording quotes."""
    who = org.strip() or "本单位"
    through = f"截至{d.year}年第{QUARTER_NAMES[d.quarter - 1]}季度"
    lead = (f"按照政务公开工作要求，{who}对照《中华人民共和国政府信息公开条例》，就{through}的政府信息公开工作"
            f"进行了认真自查，现将自查情况和整改措施报告如下。")
    problems = tuple(_problem(f, review_limit) for f in d.findings if not f.ok)
    none_found = "经自查，未发现政策解读不同步、公示期满未撤下、信息超期未公开、依申请公开办理超期等问题。"
    closing = "下一步，我们将对照上述问题逐项整改，按期销号，持续提升政府信息公开工作的规范化水平。"
    return SelfInspection(f"{who}{d.year}年政府信息公开工作自查报告", who, d.year, d.quarter, lead,
                          _basics(d, who), problems, none_found, closing, signed_on)

