"""自查报告…: the quarter's draft with one editable 整改措施 per open finding, then a .docx.

The draft, its defaults and its charts come from ``exports.word.self_inspection.draft_for``
(the same as ``deskapp report self-inspection``); the clerk rewords the measures here (a blank
box keeps the default), chooses where to save, and the Word document stays editable.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.dashboard.board import quarter_of
from deskapp.core.dashboard.self_inspection import SelfInspection
from deskapp.core.errors import DeskError
from deskapp.exports.charts import Chart
from deskapp.exports.word.self_inspection import draft_for, write_self_inspection
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.excel_files import documents_dir


class SelfInspectionDialog(QDialog):
    """One box per open finding, holding its default measure."""

    def __init__(self, draft: SelfInspection, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.draft = draft
        self.setWindowTitle("自查报告初稿")
        self.boxes: dict[str, QPlainTextEdit] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(f"{draft.title}（{draft.through}）。\n以下为“三、整改措施”的默认措辞，可直接修改；"
                       "留空则使用默认措辞。生成的 Word 文档仍可再编辑。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        for p in draft.problems:
            box = QPlainTextEdit(p.measure)
            box.setToolTip(p.problem)
            box.setFixedHeight(box.fontMetrics().height() * 4)
            self.boxes[p.key] = box
            form.addRow(QLabel(p.problem.split("。")[0]), box)
        if not draft.problems:
            form.addRow(QLabel(draft.none_found))
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存为 Word…")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 160 + 90 * len(draft.problems))

    def edited(self) -> SelfInspection:
        return self.draft.with_measures({k: box.toPlainText() for k, box in self.boxes.items()})


def save_self_inspection(ctx: AppContext, parent: QWidget, file_dialog: Any) -> Optional[str]:
    """Draft → dialog → file chooser → .docx; a refused target is one warning."""
    today = ctx.today()
    with ctx.db.session() as s:
        draft, charts = draft_for(s, today, today.year, quarter_of(today))
    dialog = SelfInspectionDialog(draft, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    name = f"{draft.year}年第{draft.quarter}季度政府信息公开工作自查报告.docx"
    path, _ = file_dialog.getSaveFileName(parent, "保存自查报告", str(documents_dir() / name), "Word 文档 (*.docx)")
    if not path:
        return None
    return write_draft(ctx, parent, dialog.edited(), charts, path)


def write_draft(ctx: AppContext, parent: QWidget, draft: SelfInspection, charts: list[tuple[Chart, str]],
                path: str) -> Optional[str]:
    try:
        written = write_self_inspection(draft, charts, path)
    except DeskError as exc:
        ctx.messages.warn(parent, exc.message)
        return None
    ctx.messages.info(parent, f"自查报告初稿已保存到：\n{written}")
    return str(written)
