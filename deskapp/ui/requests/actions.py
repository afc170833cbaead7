"""What the buttons of 依申请公开 do: open the short form of a step, then call the core in one
transaction. The law's refusals (a second extension, a reply before receipt …) come back from
:mod:`deskapp.core.requests.records` as messages beside the fields; nothing is half saved.

Every method works on the request selected in the tab (``host.current()``: its id and the
version the user saw), so a change made meanwhile at another desk is refused, not overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional, Protocol

from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy.orm import Session

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.requests import clock, records
from deskapp.core.requests.vocab import OUTCOMES, REPLY_DELIVERIES
from deskapp.core.store import settings
from deskapp.ui.common.context import AppContext
from deskapp.ui.requests.dialogs import Field, RequestDialog, StepDialog

# (button text, method name, shortcut)
STEP_ACTIONS: list[tuple[str, str, str]] = [
    ("补正告知…", "notify_supplement", ""),
    ("收到补正…", "receive_supplement", ""),
    ("征求第三方意见…", "send_consultation", ""),
    ("第三方答复…", "answer_consultation", ""),
    ("延期答复…", "extend", ""),
    ("收费通知…", "notify_fee", ""),
    ("已缴费…", "fee_paid", ""),
    ("答复办结…", "close", "Ctrl+Shift+D"),
    ("申请人撤回…", "withdraw", ""),
]


class RequestsHost(Protocol):
    """What the actions need of the tab."""

    ctx: AppContext

    def current(self) -> Optional[tuple[int, int]]: ...
    def after_change(self, request_id: Optional[int]) -> None: ...
    def widget(self) -> QWidget: ...


class RequestActions:
    def __init__(self, host: RequestsHost):
        self.host = host

    @property
    def ctx(self) -> AppContext:
        return self.host.ctx

    # --- replaced in tests ----------------------------------------------------------------------
    def exec_dialog(self, dialog: QDialog) -> bool:
        return bool(dialog.exec())

    # --- registration -------------------------------------------------------------------------
    def new_request(self) -> None:
        dialog = RequestDialog(self.ctx, None, self.host.widget())
        if self.exec_dialog(dialog):
            self.host.after_change(dialog.saved_id)

    def edit_request(self) -> None:
        chosen = self.host.current()
        if chosen is None:
            return
        dialog = RequestDialog(self.ctx, chosen[0], self.host.widget())
        if self.exec_dialog(dialog):
            self.host.after_change(chosen[0])

    # --- steps ----------------------------------------------------------------------------------
    def _step(self, title: str, info: str, fields: list[Field],
              call: Callable[[Session, int, int, dict[str, Any]], object]) -> None:
        chosen = self.host.current()
        if chosen is None:
            return
        request_id, version = chosen
        dialog = StepDialog(self.ctx, title, info, fields,
                            lambda s, v: call(s, request_id, version, v), self.host.widget())
        if self.exec_dialog(dialog):
            self.host.after_change(request_id)

    def _today(self) -> dt.date:
        return self.ctx.today()

    def notify_supplement(self) -> None:
        chosen = self.host.current()
        if chosen is None:
            return
        with self.ctx.db.session() as s:
            req = records.get_request(s, chosen[0])
            deadline = clock.supplement_notice_due(WorkCalendar.load(s), req.received_on)
            days = int(settings.get(s, "supplement_days"))
        info = (f"第三十条：申请内容不明确的，应在收到申请之日起7个工作日内一次性告知补正（本件最迟 "
                f"{deadline.isoformat()}）。补正后答复期限从收到补正之日起重新计算。")

        def call(s: Session, rid: int, ver: int, v: dict[str, Any]) -> object:
            late = bool(v["supplement_notice_on"] and v["supplement_notice_on"] > deadline)
            question = f"补正告知最迟应于 {deadline.isoformat()} 发出，现已逾期。仍按实际日期登记吗？"
            if late and not self.ctx.messages.confirm(self.host.widget(), question):
                raise ValidationError({"supplement_notice_on": "已取消：请核对补正告知日期。"})
            return records.notify_supplement(s, self.ctx.actor, rid, ver, v["supplement_notice_on"],
                                             v["supplement_missing"], v["supplement_days"], allow_late=late,
                                             today=self._today())

        self._step("补正告知", info, [
            Field("supplement_notice_on", "告知日期"),
            Field("supplement_missing", "需补正的事项", "long"),
            Field("supplement_days", "补正期限", "days", days),
        ], call)

    def receive_supplement(self) -> None:
        self._step("收到补正材料", "答复期限从收到补正之日起重新计算20个工作日。",
                   [Field("supplement_received_on", "收到补正之日")],
                   lambda s, rid, ver, v: records.receive_supplement(
                       s, self.ctx.actor, rid, ver, v["supplement_received_on"], today=self._today()))

    def send_consultation(self) -> None:
        self._step("征求第三方意见", "第三十二条：第三方应在15个工作日内提出意见；征求意见所需时间不计入答复期限。",
                   [Field("third_party", "第三方名称", "text"), Field("sent_on", "发出日期")],
                   lambda s, rid, ver, v: records.send_consultation(
                       s, self.ctx.actor, rid, ver, v["third_party"], v["sent_on"], today=self._today()))

    def answer_consultation(self) -> None:
        chosen = self.host.current()
        if chosen is None:
            return
        with self.ctx.db.session() as s:
            waiting = {str(c.id): f"{c.third_party}（{c.sent_on.isoformat()}发出）"
                       for c in records.consultations_of(s, chosen[0]) if c.answered_on is None}
        if not waiting:
            self.ctx.messages.warn(self.host.widget(), "该申请没有等待答复的第三方意见征询，请先登记“征求第三方意见”。")
            return
        self._step("第三方答复", "登记第三方答复（或书面意见）送达之日；逾期未答复的，暂停至第15个工作日。",
                   [Field("consultation_id", "征询", "choice", next(iter(waiting)), waiting),
                    Field("answered_on", "答复送达之日")],
                   lambda s, rid, ver, v: records.answer_consultation(
                       s, self.ctx.actor, rid, ver, int(v["consultation_id"]), v["answered_on"],
                       today=self._today()))

    def extend(self) -> None:
        self._step("延期答复", "第三十三条：需要延长答复期限的，应经政府信息公开工作机构负责人同意并告知申请人，"
                   "延长期限最长不超过20个工作日，只能延长一次。",
                   [Field("extension_on", "决定延期日期"), Field("extension_approver", "批准人", "text"),
                    Field("extension_reason", "延期理由", "long")],
                   lambda s, rid, ver, v: records.extend(
                       s, self.ctx.actor, rid, ver, v["extension_on"], v["extension_approver"],
                       v["extension_reason"], today=self._today()))

    def notify_fee(self) -> None:
        self._step("信息处理费收费通知",
                   "按国办函〔2020〕109号，申请数量、频次明显超过合理范围的，可以收取信息处理费。",
                   [Field("fee", "金额（元）", "text"), Field("fee_notice_on", "通知日期")],
                   lambda s, rid, ver, v: records.notify_fee(
                       s, self.ctx.actor, rid, ver, records.parse_yuan(v["fee"]), v["fee_notice_on"],
                       today=self._today()))

    def fee_paid(self) -> None:
        self._step("申请人已缴费", "", [Field("fee_paid_on", "缴费日期")],
                   lambda s, rid, ver, v: records.record_fee_paid(
                       s, self.ctx.actor, rid, ver, v["fee_paid_on"], today=self._today()))

    def close(self) -> None:
        self._step("答复办结", "选择年度报告第三部分所列的办理结果；答复书可在“打印文书”中生成。",
                   [Field("outcome", "办理结果", "choice", "open", OUTCOMES),
                    Field("reply_on", "答复日期"),
                    Field("reply_delivery", "送达方式", "choice", "post", REPLY_DELIVERIES)],
                   lambda s, rid, ver, v: records.close_request(
                       s, self.ctx.actor, rid, ver, v["outcome"], v["reply_on"], v["reply_delivery"],
                       today=self._today()))

    def withdraw(self) -> None:
        self._step("申请人撤回申请", "撤回的申请按“（六）其他处理 3.其他”统计。",
                   [Field("withdrawn_on", "撤回日期"), Field("reason", "说明", "long")],
                   lambda s, rid, ver, v: records.withdraw_request(
                       s, self.ctx.actor, rid, ver, v["withdrawn_on"], v["reason"], today=self._today()))

    def reopen(self) -> None:
        self._step("撤销办结", "仅用于更正误登记的办结；原因记入办理过程。",
                   [Field("reason", "原因", "long")],
                   lambda s, rid, ver, v: records.reopen_request(
                       s, self.ctx.actor, rid, ver, v["reason"], today=self._today()))
