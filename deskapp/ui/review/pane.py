"""The item pane of 审核签发: content, attachments, the steps and the history as a timeline
(step, person, decision, opinion, time, online or paper), as HTML for a QTextBrowser."""

from __future__ import annotations

from html import escape
from typing import Optional

from deskapp.core.attachments.files import human_size
from deskapp.core.privacy.check import CheckResult
from deskapp.core.review.detail import ItemDetail
from deskapp.core.review.history import Entry, StepState

_STATE_COLOURS = {"done": "#1e7b34", "current": "#0b5cad", "returned": "#a1121b",
                  "withheld": "#7a4b00", "waiting": "#666666", "not_started": "#666666"}
_ACTION_COLOURS = {"approve": "#1e7b34", "return": "#a1121b", "withhold": "#7a4b00",
                   "publish": "#0b5cad"}
CONTENT_LIMIT = 3000  # characters of the body shown; the form and the item dialog have all


def _e(text: object) -> str:
    return escape(str(text)).replace("\n", "<br>")


def _field(label: str, value: object) -> str:
    return (f"<tr><td style='color:#555;padding-right:8px;white-space:nowrap'>{label}</td>"
            f"<td>{_e(value) or '—'}</td></tr>")


def _steps(steps: tuple[StepState, ...]) -> str:
    if not steps:
        return ""
    parts = []
    for s in steps:
        colour = _STATE_COLOURS.get(s.state, "#333")
        who = s.decision.person if s.decision else "、".join(s.people) or "无在职审批人"
        parts.append(f"<span style='color:{colour}'>"
                     f"{s.position}. {_e(s.name)}（{_e(s.state_label)}，{_e(who)}）</span>")
    return "<p><b>审核步骤：</b><br>" + "<br>".join(parts) + "</p>"


def _entry(e: Entry) -> str:
    colour = _ACTION_COLOURS.get(e.action, "#333")
    step = f"【{_e(e.step)}】" if e.step else ""
    mode = f" <span style='color:#555'>· {_e(e.mode_label)}</span>" if e.mode else ""
    opinion = f"<br>&nbsp;&nbsp;&nbsp;&nbsp;意见：{_e(e.opinion)}" if e.opinion and e.mode else (
        f"：{_e(e.opinion)}" if e.opinion else "")
    return (f"<li>{e.at:%Y-%m-%d %H:%M} {step}{_e(e.person)} "
            f"<b style='color:{colour}'>{_e(e.action_label)}</b>{mode}{opinion}</li>")


CONFIRM_LINK = "pubcheck:"  # + a finding's key, or "all": the tab confirms it (确认无误)


def check_html(result: Optional[CheckResult], can_confirm: bool) -> str:
    """The 发布前检查 section: each finding with its place, confirmed (who, when) or a
    确认无误 link; attachments that were not read, noted."""
    if result is None:
        return ""
    if not result.findings and not result.skipped:
        return "<p><b>发布前检查：</b><span style='color:#1e7b34'>未发现需要核对的数字串或错敏词。</span></p>"
    rows = []
    for f in result.findings:
        done = result.confirmed.get(f.key)
        if done:
            state = f"<span style='color:#1e7b34'>已确认（{_e(done.by)}，{_e(done.at.replace('T', ' '))}）</span>"
        elif can_confirm:
            state = f"<a href='{CONFIRM_LINK}{f.key}'>确认无误</a>"
        else:
            state = "<span style='color:#a1121b'>未确认</span>"
        rows.append(f"<li>{_e(f.describe())} {state}</li>")
    rows.extend(f"<li style='color:#7a4b00'>{_e(m)}</li>" for m in result.skipped)
    open_count = len(result.unconfirmed())
    summary = (f"<span style='color:#a1121b'>{open_count}处未确认，公示不能打印；请修改内容，或核对后确认无误。</span>"
               + (f" <a href='{CONFIRM_LINK}all'>全部确认无误</a>" if can_confirm and open_count > 1 else "")
               if open_count else "<span style='color:#1e7b34'>已全部确认。</span>")
    return f"<p><b>发布前检查：</b>{summary}</p><ul>{''.join(rows)}</ul>"


def detail_html(d: ItemDetail, check: Optional[CheckResult] = None, can_confirm: bool = False) -> str:
    head = f"<h3 style='margin:0'>{_e(d.title)}</h3>"
    if d.privacy_badge:
        head += (f"<p style='color:#a1121b;background:#fde8e8'><b>⚠ {_e(d.privacy_badge)}</b>"
                 "，公开前请遮盖。</p>")
    if d.revision_no > 1:
        head += f"<p style='color:#7a4b00'>第{d.revision_no}版（修订），变更日期 {d.changed_on or '—'}</p>"
    due = d.due_on.isoformat() if d.due_on else "—"
    fields = "".join([
        _field("索引号", d.index_no), _field("文号", d.doc_no), _field("承办科室", d.department),
        _field("经办人", d.drafter), _field("形成日期", d.formed_on), _field("公开期限", due),
        _field("状态", d.status_label), _field("公开属性", d.attribute_label),
        *([_field("不予公开理由", d.withheld_reason)] if d.attribute == "withheld" else []),
        _field("公开渠道", "、".join(d.channels)),
        *([_field("发布", f"{d.published_on}（{d.compliance_label}）")] if d.published_on else []),
    ])
    body = d.content if len(d.content) <= CONTENT_LIMIT else d.content[:CONTENT_LIMIT] + "……（正文较长，未全部显示）"
    files = "".join(f"<li><a href='att:{a.id}'>{_e(a.filename)}</a>（{human_size(a.size)}"
                    f"{'，审批单扫描件' if a.purpose == 'scan' else ''}）</li>"
                    for a in d.attachments) or "<li>无</li>"
    history = "".join(_entry(e) for e in d.timeline) or "<li>无</li>"
    return (f"{head}<table cellspacing='2'>{fields}</table>"
            f"<p><b>内容摘要：</b>{_e(d.summary) or '—'}</p><p><b>正文：</b><br>{_e(body) or '—'}</p>"
            f"<p><b>附件：</b></p><ul>{files}</ul>{check_html(check, can_confirm)}{_steps(d.steps)}"
            f"<p><b>审核记录：</b></p><ul>{history}</ul>")
