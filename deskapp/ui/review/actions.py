"""What the buttons of 审核签发 do: ask (dialogs), then call the core in one transaction.

The ``ask_*`` methods open the dialogs; tests replace them to answer without a dialog.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Optional, Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy.orm import Session

from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError
from deskapp.core.review import workflow
from deskapp.core.review.detail import ItemDetail
from deskapp.core.review.queue import DRAFTS, QueueRow
from deskapp.ui.common.context import AppContext
from deskapp.ui.review.dialogs import PaperDialog, PaperInput, PublishDialog, PublishInput, Signature, SignDialog
from deskapp.ui.review.host import ReviewHost


class ReviewActions:
    def __init__(self, tab: ReviewHost):
        self.tab = tab

    @property
    def ctx(self) -> AppContext:
        return self.tab.ctx

    def _today(self) -> dt.date:
        return self.ctx.today()

    # --- asking (replaced in tests) ---------------------------------------------------------
    def ask_signature(self, title: str, info: str, signers: Sequence[tuple[int, str]],
                      opinion: str = "optional", opinion_label: str = "意见") -> Optional[Signature]:
        account = self.ctx.account
        if account is not None:  # on a server the signed-in person signs, nobody else
            signers = [s for s in signers if s[0] == account.person_id]
            if not signers:
                self.ctx.messages.warn(self.tab, "这一步不由您签批；请由审批人用自己的账户登录后签批。")
                return None
        dialog = SignDialog(title, info, signers, self.ctx.actor.id, opinion, opinion_label, self.tab)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_paper(self, step: str, signers: Sequence[tuple[int, str]], can_withhold: bool) -> Optional[PaperInput]:
        dialog = PaperDialog(step, signers, self._today(), can_withhold, self.tab)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_publish(self, title: str, channels: Sequence[str], due: Optional[dt.date]) -> Optional[PublishInput]:
        dialog = PublishDialog(title, self._today(), channels, due, self.tab)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_form_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.tab, "保存审批表", suggested, "PDF 文件 (*.pdf)")
        return path

    def open_file(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # --- the actions -----------------------------------------------------------------------
    def submit(self) -> None:
        rows = [r for r in self.tab.selected_rows() if r.status in workflow.SUBMITTABLE or r.group == DRAFTS]
        if not rows or self.ctx.read_only:
            return
        outcomes = self.tab.run(_submit_all, self.ctx.actor, [(r.item_id, r.version) for r in rows], self._today())
        if outcomes:
            self.tab.show_status(outcomes[-1].message if len(outcomes) == 1 else f"已送审 {len(outcomes)} 条。")
            self.tab.select_items([o.item_id for o in outcomes])

    def approve(self) -> None:
        rows = [r for r in self.tab.selected_rows() if r.status == "in_review" and r.position]
        if not rows or self.ctx.read_only:
            return
        if len(rows) > 1:
            return self._approve_batch(rows)
        detail = self.tab.detail
        if detail is None or detail.current_step is None or self._blocked(detail):
            return
        sig = self.ask_signature("同意", f"《{detail.title}》\n审核步骤：{detail.current_step.name}",
                                 detail.current_deciders)
        if sig is None:
            return
        out = self.tab.run(workflow.approve, self.ctx.actor, detail.id, detail.version, sig.signer_id,
                           sig.password, sig.opinion, self._today())
        self._done(out)

    def _approve_batch(self, rows: list[QueueRow]) -> None:
        common = set(rows[0].decider_ids)
        for r in rows[1:]:
            common &= set(r.decider_ids)
        names = dict(zip(rows[0].decider_ids, rows[0].deciders, strict=True))
        signers = [(pid, names[pid]) for pid in rows[0].decider_ids if pid in common]
        if not signers:
            self.ctx.messages.warn(self.tab, "所选信息没有同一位可以签批的审批人，请按审核步骤分别选择后再批量同意。")
            return
        steps = "、".join(sorted({r.group for r in rows}))
        sig = self.ask_signature("批量同意", f"一次签批所选 {len(rows)} 条信息（{steps}），只需输入一次密码。", signers)
        if sig is None:
            return
        outs = self.tab.run(workflow.approve_many, self.ctx.actor, [(r.item_id, r.version) for r in rows],
                            sig.signer_id, sig.password, sig.opinion, self._today())
        if outs:
            self.tab.show_status(f"已同意 {len(outs)} 条。")

    def return_item(self) -> None:
        detail = self._single_in_review()
        if detail is None:
            return
        sig = self.ask_signature("退回", f"《{detail.title}》将退回经办人{detail.drafter}修改。",
                                 detail.current_deciders, "required", "退回意见")
        if sig is not None:
            self._done(self.tab.run(workflow.return_item, self.ctx.actor, detail.id, detail.version,
                                    sig.signer_id, sig.password, sig.opinion, self._today()))

    def withhold(self) -> None:
        detail = self._single_in_review()
        if detail is None or not detail.can_withhold_now:
            return
        sig = self.ask_signature("不予公开", f"《{detail.title}》决定不予公开后审核结束，该信息不会发布。",
                                 detail.current_deciders, "required", "理由和依据")
        if sig is not None:
            self._done(self.tab.run(workflow.withhold, self.ctx.actor, detail.id, detail.version,
                                    sig.signer_id, sig.password, sig.opinion, self._today()))

    def paper(self) -> None:
        detail = self._single_in_review()
        if detail is None or detail.current_step is None:
            return
        entry = self.ask_paper(detail.current_step.name, detail.current_deciders, detail.can_withhold_now)
        if entry is None:
            return
        out = self.tab.run(workflow.attach_scan_and_record, self.ctx.db, self.ctx.actor, detail.id,
                           detail.version, entry.signer_id, entry.decision, entry.opinion,
                           entry.paper_date, entry.scan_path or None, self._today())
        self._done(out)

    def publish(self) -> None:
        detail = self.tab.detail
        if detail is None or detail.status != "approved" or self.ctx.read_only:
            return
        if detail.privacy_badge and not self.ctx.messages.confirm(
                self.tab, f"《{detail.title}》{detail.privacy_badge}。公开后任何人都能看到这些号码，"
                          "一般应先遮盖（如 330102********123X）。仍要发布吗？"):
            return
        open_ = self.tab.check.unconfirmed() if self.tab.check is not None else []
        if open_ and not self.ctx.messages.confirm(
                self.tab, f"《{detail.title}》的发布前检查还有{len(open_)}处未确认（{open_[0].describe()}），"
                          "一般应先修改或逐条确认无误。仍要发布吗？"):
            return
        entry = self.ask_publish(detail.title, detail.channels, detail.due_on)
        if entry is not None:
            self._done(self.tab.run(workflow.publish, self.ctx.actor, detail.id, detail.version,
                                    entry.published_on, entry.channels, entry.url, self._today()))

    def print_form(self) -> None:
        detail = self.tab.detail
        if detail is None:
            return
        from deskapp.exports.pdf.approval_form import form_filename, write_form

        path = self.ask_form_path(os.path.join(tempfile.gettempdir(), form_filename(detail)))
        if not path:
            return
        try:
            with self.ctx.db.session() as s:
                result = write_form(s, detail.id, path)
        except DeskError as exc:
            self.ctx.messages.warn(self.tab, exc.message)
            return
        notes = result.messages()
        if notes:
            self.ctx.messages.info(self.tab, "\n".join(notes))
        self.tab.show_status(f"审批表已保存：{path}")
        self.open_file(path)

    def open_attachment(self, link: str) -> None:
        """An attachment link of the item pane ("att:ID"): a copy in the temp folder, opened."""
        if not link.startswith("att:") or not link[4:].isdigit():
            return
        from deskapp.core.attachments import files

        try:
            with self.ctx.db.session() as s:
                info = files.get_attachment(s, int(link[4:]))
            path = files.export_copy(self.ctx.db, info, os.path.join(tempfile.gettempdir(), "deskapp-附件"))
        except DeskError as exc:
            self.ctx.messages.warn(self.tab, exc.message)
            return
        self.open_file(str(path))

    # --- helpers ---------------------------------------------------------------------------
    def _single_in_review(self) -> Optional[ItemDetail]:
        rows = self.tab.selected_rows()
        if len(rows) != 1 or rows[0].status != "in_review" or self.ctx.read_only:
            return None
        detail = self.tab.detail
        return None if detail is None or self._blocked(detail) else detail

    def _blocked(self, detail: ItemDetail) -> bool:
        """A step nobody active may decide: say so (and what to do) rather than open a
        dialog with no one to choose."""
        if detail.current_step is None or detail.current_deciders:
            return False
        self.ctx.messages.warn(self.tab, f"“{detail.current_step.name}”没有在职的审批人，无法签批；"
                                         "请在“审核流程与签批密码”中为该步骤指定人员。")
        return True

    def _done(self, outcome: Optional[workflow.Outcome]) -> None:
        if outcome is not None:
            self.tab.show_status(outcome.message)
            self.tab.select_items([outcome.item_id])


def _submit_all(session: Session, actor: Actor, items: list[tuple[int, int]],
                today: dt.date) -> list[workflow.Outcome]:
    return [workflow.submit(session, actor, item_id, version, today) for item_id, version in items]
