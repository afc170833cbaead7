"""年度报告: the 政府信息公开工作年度报告 of a year — its tables and 勾稽 checks (表格), the
figures other systems keep (录入), the texts 一、五、六 (正文), the Word / Excel / PDF outputs,
and 定稿 / 撤销定稿.

Every export builds the report afresh (the figures as they are now, or as published once
final) with the texts as the editors show them; a failing blocking check does not stop an
export — the clerk needs the file to correct from — but is said after it is written. Every
save is one transaction; a read-only desk can look and export only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.errors import DeskError
from deskapp.core.reports import annual_store as store
from deskapp.core.reports.annual import AnnualReport, build_report
from deskapp.core.reports.annual_labels import report_title
from deskapp.core.store.db import Database
from deskapp.exports.annual_content import report_doc
from deskapp.exports.annual_layout import ReportDoc
from deskapp.exports.excel.annual_tables import write_workbook
from deskapp.exports.pdf.annual_report import write_annual_pdf
from deskapp.exports.word.annual_report import write_docx
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.excel_files import documents_dir
from deskapp.ui.common.form_kit import busy, hint_label, run_action
from deskapp.ui.common.worker import Job, run_job
from deskapp.ui.reports.annual_forms import InputsForm, TextsForm
from deskapp.ui.reports.annual_tables import ReportTables, request_numbers

# suffix → (file dialog filter, name suffix of the default file name)
FORMATS: dict[str, tuple[str, str]] = {
    ".docx": ("Word 文档 (*.docx)", ""), ".xlsx": ("Excel 工作簿 (*.xlsx)", "（表格）"),
    ".pdf": ("PDF 文件 (*.pdf)", "")}


def ask_save_path(parent: Optional[QWidget], title: str, default_name: str, suffix: str) -> Optional[str]:
    """Where to save an output (a module function so tests answer instead of the dialog)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / default_name), FORMATS[suffix][0])
    if path and not path.lower().endswith(suffix):
        path += suffix
    return path or None


def ask_reason(parent: Optional[QWidget]) -> Optional[str]:
    """Why the final mark is taken away (a module function tests replace); None when cancelled."""
    text, ok = QInputDialog.getMultiLineText(parent, "撤销定稿", "请填写撤销定稿的原因（将记入操作记录）：")
    return text if ok else None


def default_year(today: dt.date) -> int:
    """January–February is the season of last year's report; later, this year's is in the making."""
    return today.year - 1 if today.month <= 2 else today.year


@dataclass(frozen=True)
class Exported:
    path: Path
    notes: list[str]  # what the writer says (fonts missing in a PDF …)
    errors: list[str]  # the blocking checks failing when it was written
    warnings: int


def _write(doc: ReportDoc, path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return write_annual_pdf(doc, path).messages()
    if suffix == ".xlsx":
        write_workbook(doc, path)
    else:
        write_docx(doc, path)
    return []


def export_job(db: Database, year: int, today: dt.date, texts: dict[str, str], path: Path) -> Exported:
    """Runs in the worker: the report as it is now, with the texts as shown, to ``path``."""
    with db.session() as s:
        report = build_report(s, year, today)
    if not report.final:
        report = dataclasses.replace(report, texts={k: texts.get(k) or v for k, v in report.texts.items()})
    notes = _write(report_doc(report, today), path)
    return Exported(path, notes, [c.message for c in report.errors], len(report.warnings))


def _when(moment: Optional[dt.datetime]) -> str:
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone()
    return f"{chinese_date(local.date())} {local:%H:%M}"


class AnnualReportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.report: Optional[AnnualReport] = None
        self.job: Optional[Job] = None
        self.last_export: Optional[Exported] = None
        self.shown_year: Optional[int] = None
        self.setWindowTitle("政府信息公开工作年度报告")
        self.resize(1040, 780)
        self._build()
        self.show_year()

    def _build(self) -> None:
        today = self.ctx.today()
        self.year = QSpinBox()
        self.year.setRange(2000, today.year)
        self.year.setValue(default_year(today))
        self.year.setSuffix(" 年度")
        self.year.valueChanged.connect(self.show_year)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tables = ReportTables()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.tables)
        self.inputs = InputsForm()
        self.inputs.save_button.clicked.connect(self.save_inputs)
        inputs_scroll = QScrollArea()
        inputs_scroll.setWidgetResizable(True)
        inputs_scroll.setWidget(self.inputs)
        self.texts = TextsForm()
        self.texts.save_button.clicked.connect(self.save_texts)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "表格")
        self.tabs.addTab(inputs_scroll, "录入")
        self.tabs.addTab(self.texts, "正文")
        self.export_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for suffix, text in ((".docx", "导出 Word…"), (".xlsx", "导出 Excel…"), (".pdf", "导出 PDF…")):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, x=suffix: self.export(x))
            buttons.addWidget(button)
            self.export_buttons[suffix] = button
        buttons.addStretch(1)
        self.final_button = QPushButton("定稿")
        self.final_button.clicked.connect(self.mark_final)
        self.reopen_button = QPushButton("撤销定稿…")
        self.reopen_button.clicked.connect(self.reopen)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (self.final_button, self.reopen_button, close):
            buttons.addWidget(b)
        top = QHBoxLayout()
        top.addWidget(QLabel("报告年度："))
        top.addWidget(self.year)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint_label("表格随台账实时统计（定稿后按定稿时的数字）；每次导出都按当时的数字和“正文”中的文字生成。"))
        layout.addLayout(buttons)

    def chosen(self) -> int:
        return self.year.value()

    # --- showing ---------------------------------------------------------------------------------

    def show_year(self, *_args: object) -> None:
        """The chosen year's report in all three tabs (texts reloaded). Texts typed and not
        saved are not thrown away without asking."""
        shown = self.shown_year
        if shown is not None and shown != self.chosen() and not self._may_drop_texts(f"{shown}年度报告"):
            self.year.blockSignals(True)
            self.year.setValue(shown)
            self.year.blockSignals(False)
            return
        self.shown_year = self.chosen()
        self._refresh(only_unedited=False)
        with self.ctx.db.session() as s:
            self.inputs.load(store.load_inputs(s, self.chosen()))

    def _may_drop_texts(self, what: str) -> bool:
        if not self.texts.modified():
            return True
        return self.ctx.messages.confirm(self, f"{what}的正文改动尚未保存，放弃这些改动吗？")

    def reject(self) -> None:
        if self._may_drop_texts(f"{self.chosen()}年度报告"):
            super().reject()

    def _refresh(self, only_unedited: bool = True) -> None:
        """Tables, checks and status again; texts the clerk is editing stay as typed."""
        year = self.chosen()
        with busy(), self.ctx.db.session() as s:
            report = build_report(s, year, self.ctx.today())
            ids = {i for cell_ids in report.section3.ids.values() for i in cell_ids}
            numbers = request_numbers(s, ids)
        self.report = report
        self.tables.show_report(report, report_doc(report, self.ctx.today()), numbers)
        self.texts.load(report, only_unedited)
        editable = not self.ctx.read_only and not report.final
        self.inputs.set_editable(editable)
        self.texts.set_editable(editable)
        self.final_button.setEnabled(editable)
        self.reopen_button.setEnabled(report.final and not self.ctx.read_only)
        self.status.setText(self._status_text(report))

    def _status_text(self, report: AnnualReport) -> str:
        if report.final:
            text = f"已定稿（{report.frozen_by}，{_when(report.frozen_at)}）。"
            if report.changes:
                text += f"定稿后台账有{len(report.changes)}处变更，见“表格”页下方。"
            return text
        errors, warnings = len(report.errors), len(report.warnings)
        checks = f"勾稽检查有{errors}项需处理，处理后才能定稿。" if errors else "勾稽检查已通过，可以定稿。"
        text = "尚未定稿。" + checks
        if warnings:
            text += f"另有{warnings}项提示。"
        if self.ctx.read_only:
            text += "（只读打开：可查看和导出，不能保存。）"
        return text

    # --- saving ----------------------------------------------------------------------------------

    def save_inputs(self) -> bool:
        """保存录入: one transaction; field errors beside their fields, nothing kept then."""
        if self.ctx.read_only:
            return False
        year = self.chosen()

        def action() -> None:
            data = self.inputs.inputs()
            with self.ctx.db.session() as s:
                store.save_inputs(s, self.ctx.actor, year, data)

        if not run_action(self.inputs.errors, lambda m: self.ctx.messages.warn(self, m), action):
            return False
        self._refresh()
        with self.ctx.db.session() as s:
            self.inputs.load(store.load_inputs(s, year))
        self.ctx.messages.info(self, f"{year}年度报告的录入数字已保存。")
        return True

    def save_texts(self) -> bool:
        """保存正文: the three sections at once (one transaction)."""
        if self.ctx.read_only:
            return False
        year, texts = self.chosen(), self.texts.to_save()

        def action() -> None:
            with self.ctx.db.session() as s:
                store.save_texts(s, self.ctx.actor, year, texts)

        if not run_action(self.texts.errors, lambda m: self.ctx.messages.warn(self, m), action):
            return False
        self._refresh(only_unedited=False)
        self.ctx.messages.info(self, f"{year}年度报告的正文已保存。")
        return True

    def mark_final(self) -> bool:
        """定稿: refused (the core names the first failing check) while a blocking check fails."""
        year = self.chosen()
        if self.ctx.read_only or not self.ctx.messages.confirm(
                self, f"将{year}年度报告定稿？\n定稿后表格数字和正文将被保存，之后台账的变动会列为“定稿后变更”。"):
            return False
        return self._attempt(lambda s: store.mark_final(s, self.ctx.actor, year, self.ctx.today()))

    def reopen(self) -> bool:
        """撤销定稿…: with a reason, kept in the audit log."""
        year = self.chosen()
        if self.ctx.read_only:
            return False
        reason = ask_reason(self)
        if reason is None:
            return False
        return self._attempt(lambda s: store.reopen(s, self.ctx.actor, year, reason))

    def _attempt(self, fn: Callable[[Session], object]) -> bool:
        """``fn`` in one transaction; a refusal is shown as it is worded, nothing kept then."""
        try:
            with self.ctx.db.session() as s:
                fn(s)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return False
        self._refresh(only_unedited=False)
        return True

    # --- exporting -------------------------------------------------------------------------------

    def export(self, suffix: str, path: Optional[str] = None) -> Optional[Job]:
        year = self.chosen()
        office = self.report.office if self.report is not None else ""
        name = report_title(office, year) + FORMATS[suffix][1] + suffix
        path = path or ask_save_path(self, "保存年度报告", name, suffix)
        if not path:
            return None
        self.job = run_job(self.ctx, self, "正在生成年度报告", export_job, self.ctx.db, year, self.ctx.today(),
                           self.texts.texts(), Path(path), on_done=self._exported, cancellable=False)
        return self.job

    def _exported(self, result: Exported) -> None:
        self.last_export = result
        text = f"已生成“{result.path}”。" + "".join(result.notes)
        if result.errors:
            more = f"等{len(result.errors)}项" if len(result.errors) > 1 else ""
            first = result.errors[0].rstrip("。")
            self.ctx.messages.warn(self, text + f"\n注意：勾稽检查未通过（{first}{more}），"
                                   "请核对后再报送。", title="勾稽检查未通过")
            return
        if result.warnings:
            text += f"\n另有{result.warnings}项提示，见“表格”页。"
        self.ctx.messages.info(self, text)
