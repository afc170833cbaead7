"""导入现有台账: a wizard — choose the file → check which column is what → preview every bad
cell with its reason → import all (default: only when every row is good) or the good rows
only → the result. Reading and checking are in exports/core; this only shows them."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from deskapp.core.errors import DeskError
from deskapp.core.ledger import memory
from deskapp.core.ledger.commit import ImportResult
from deskapp.core.ledger.fields import FIELDS, auto_mapping, to_text
from deskapp.core.ledger.preview import ImportOptions, Preview, RawSheet, analyse, column_letter, locate
from deskapp.exports.excel.ledger_import import import_job
from deskapp.exports.excel.ledger_read import read_ledger
from deskapp.ui.common import excel_files as excel_actions
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import busy, hint_label
from deskapp.ui.common.worker import Job, run_job

ERROR_BRUSH = QBrush(QColor("#f8d7da"))
DUPLICATE_BRUSH = QBrush(QColor("#fff3cd"))
SHOWN_ROWS = 2000  # bad rows listed in the preview grid; the counts cover all
STATUS_TEXT = {"error": "有问题", "duplicate": "重复，将跳过", "ok": "无误"}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("选择台账文件")
        self.setSubTitle("选择原来用 Excel 或 WPS 登记的台账（.xlsx，或旧版 .xls）。")
        self.path = QLineEdit()
        self.path.setPlaceholderText("台账文件路径")
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        template = QPushButton("下载模板…")
        template.clicked.connect(lambda: excel_actions.download_template(self.w.ctx, self))
        self.create_departments = QCheckBox("台账中有、系统中还没有的科室，导入时自动新建")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.create_departments)
        layout.addWidget(hint_label("没有现成台账？可先下载模板，按模板填写后再导入。模板中的科室、类别等可从下拉列表选择。"))
        layout.addWidget(template, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def browse(self) -> None:
        path = excel_actions.ask_open_path(self, "选择台账文件")
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.path.text().strip()) and not self.w.ctx.read_only

    def validatePage(self) -> bool:  # noqa: N802
        try:
            with busy():
                raw = read_ledger(self.path.text().strip())
            if not raw.rows:
                locate(raw)  # says the sheet is empty (the mapping page needs a row to show)
            self.w.raw = raw
        except DeskError as exc:
            self.w.ctx.messages.warn(self, exc.message)
            return False
        self.w.path = self.path.text().strip()
        self.w.import_options = ImportOptions(create_departments=self.create_departments.isChecked())
        return True


class MappingPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("核对各列的含义")
        self.setSubTitle("已按列名自动对应；如有不对，请在“导入为”一栏改正。不需要的列选“（不导入）”。")
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1)
        self.header_row.valueChanged.connect(self._header_changed)
        self.found = QLabel()
        self.table = _table(["列", "表头", "第一行数据", "导入为"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 50)
        self.table.setColumnWidth(1, 160)
        self.table.setColumnWidth(3, 160)
        self.combos: list[QComboBox] = []
        self.remembered = False  # the mapping shown is the one kept for this header layout
        self.recalled = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("表头在第"))
        top.addWidget(self.header_row)
        top.addWidget(QLabel("行"))
        top.addWidget(self.found, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.recalled)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:  # noqa: N802
        raw = self.w.raw
        assert raw is not None
        self.header_row.blockSignals(True)
        self.header_row.setRange(1, max(r.row for r in raw.rows))
        try:
            at = locate(raw)
            self.found.setText(f"（工作表“{raw.sheet}”，已自动找到表头）")
        except DeskError:
            at = 0
            self.found.setText("（未能自动找到表头，请指定表头所在的行，并在下表中指定各列）")
        self.header_row.setValue(raw.rows[at].row)
        self.header_row.blockSignals(False)
        self._fill(at)

    def _header_changed(self, value: int) -> None:
        raw = self.w.raw
        at = next((i for i, r in enumerate(raw.rows) if r.row >= value), 0) if raw else 0
        self._fill(at)

    def _fill(self, at: int) -> None:
        raw = self.w.raw
        assert raw is not None
        header = raw.rows[at].values
        sample = raw.rows[at + 1].values if at + 1 < len(raw.rows) else ()
        with self.w.ctx.db.session() as s:
            remembered = memory.recall(s, header)
        self.remembered = remembered is not None
        mapping = remembered or auto_mapping(header)
        self.recalled.setText("各列已按上次导入同样表头的台账时的指定对应。" if remembered else "")
        self.table.setRowCount(len(header))
        self.combos = []
        for c, value in enumerate(header):
            example = to_text(sample[c]) if c < len(sample) else ""
            for col, text in enumerate([column_letter(c), to_text(value), example]):
                self.table.setItem(c, col, QTableWidgetItem(text))
            combo = QComboBox()
            combo.addItem("（不导入）", None)
            for f in FIELDS:
                combo.addItem(f.label, f.key)
            combo.setCurrentIndex(max(combo.findData(mapping.get(c)), 0))
            self.table.setCellWidget(c, 3, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[int, Optional[str]]:
        return {c: combo.currentData() for c, combo in enumerate(self.combos)}

    def set_field(self, column: int, key: Optional[str]) -> None:
        combo = self.combos[column]
        combo.setCurrentIndex(max(combo.findData(key), 0))

    def validatePage(self) -> bool:  # noqa: N802
        raw = self.w.raw
        assert raw is not None
        try:
            with busy(), self.w.ctx.db.session() as s:
                self.w.preview = analyse(s, raw, self.w.ctx.today(), self.mapping(), self.w.import_options,
                                         self.header_row.value())
        except DeskError as exc:
            self.w.ctx.messages.warn(self, exc.message)
            return False
        self.w.mapping, self.w.header = self.mapping(), self.header_row.value()
        self._remember()
        return True

    def _remember(self) -> None:
        """Keep the confirmed mapping for the next ledger with this header row."""
        raw, preview = self.w.raw, self.w.preview
        assert raw is not None and preview is not None
        header = next(r.values for r in raw.rows if r.row == preview.header_row)
        with self.w.ctx.db.session() as s:
            memory.remember(s, header, self.mapping())


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("预览与检查")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "导入")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.issues = _table(["行", "列", "列名", "原因", "处理"])
        self.issues.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rows = _table([])
        self.all_or_none = QRadioButton("全部无误时才导入（推荐）")
        self.good_only = QRadioButton("只导入无误的行，跳过有问题的行")
        self.all_or_none.setChecked(True)
        self.mode = QButtonGroup(self)
        for button in (self.all_or_none, self.good_only):
            self.mode.addButton(button)
            button.toggled.connect(lambda _on: self.completeChanged.emit())
        self.hint = hint_label("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("问题清单："))
        layout.addWidget(self.issues, 1)
        layout.addWidget(QLabel("有问题的行（标红的单元格需要改正，标黄的为重复）："))
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.all_or_none)
        layout.addWidget(self.good_only)
        layout.addWidget(self.hint)

    def initializePage(self) -> None:  # noqa: N802
        p = self.w.preview
        assert p is not None
        self.summary.setText(f"台账“{p.source}”工作表“{p.sheet}”，表头在第{p.header_row}行。共{len(p.rows)}行："
                             f"无误{p.count('ok')}行，有问题{p.count('error')}行，重复{p.count('duplicate')}行"
                             "（重复的行导入时跳过）。" + "".join(p.notes))
        self._fill_issues(p)
        self._fill_rows(p)
        self.completeChanged.emit()

    def _fill_issues(self, p: Preview) -> None:
        flagged = [(r, i) for r in p.rows for i in r.issues][:SHOWN_ROWS]
        self.issues.setRowCount(len(flagged))
        for n, (r, i) in enumerate(flagged):
            for c, text in enumerate([str(i.row), i.column, i.header, i.reason, STATUS_TEXT[r.status]]):
                item = QTableWidgetItem(text)
                item.setBackground(ERROR_BRUSH if r.status == "error" else DUPLICATE_BRUSH)
                self.issues.setItem(n, c, item)

    def _fill_rows(self, p: Preview) -> None:
        raw = self.w.raw
        assert raw is not None
        by_row = {r.row: r for r in raw.rows}
        bad = [r for r in p.rows if r.status != "ok"][:SHOWN_ROWS]
        self.rows.setColumnCount(len(p.headers) + 1)
        self.rows.setHorizontalHeaderLabels(["行"] + [f"{column_letter(i)} {h}" for i, h in enumerate(p.headers)])
        self.rows.setRowCount(len(bad))
        for n, r in enumerate(bad):
            self.rows.setItem(n, 0, QTableWidgetItem(str(r.row)))
            values = by_row[r.row].values
            reasons: dict[str, list[str]] = {column_letter(i): [] for i in range(len(p.headers))}
            for issue in r.issues:
                reasons.setdefault(issue.column, []).append(issue.reason)
            for c in range(len(p.headers)):
                item = QTableWidgetItem(to_text(values[c]) if c < len(values) else "")
                why = reasons.get(column_letter(c))
                if why:
                    item.setBackground(ERROR_BRUSH if r.status == "error" else DUPLICATE_BRUSH)
                    item.setToolTip("；".join(why))
                self.rows.setItem(n, c + 1, item)

    def skip_bad(self) -> bool:
        return self.good_only.isChecked()

    def isComplete(self) -> bool:  # noqa: N802
        p = self.w.preview
        errors = p.count("error") if p else 0
        nothing = p is not None and p.count("ok") == 0
        if nothing:
            self.hint.setText("没有可导入的行。")
        elif errors and not self.skip_bad():
            self.hint.setText(f"有{errors}行有问题：请改正台账后重新导入，或选择“只导入无误的行”。")
        else:
            self.hint.setText("")
        return not nothing and (not errors or self.skip_bad())


class ResultPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("导入结果")
        self.text = QLabel("正在导入…")
        self.text.setWordWrap(True)
        self.done = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.done = False
        w = self.w
        w.job = run_job(w.ctx, self, "正在导入台账", import_job, w.ctx.db, w.ctx.actor, w.path,
                        w.ctx.today(), w.mapping, None, w.import_options, w.preview_page.skip_bad(), w.header,
                        on_done=self._imported, cancellable=False)
        w.job.failed.connect(self._failed)

    def _imported(self, outcome: tuple[Preview, ImportResult]) -> None:
        _, result = outcome
        self.w.import_result = result
        parts = [f"已导入{result.imported}条信息。"]
        if result.skipped_duplicates:
            parts.append(f"重复的{result.skipped_duplicates}行已跳过。")
        if self.w.preview_page.skip_bad() and result.skipped_bad:
            parts.append(f"有问题的{result.skipped_bad}行未导入，请改正后另行导入。")
        if result.departments_created:
            parts.append(f"新建了科室：{'、'.join(result.departments_created)}。")
        parts.append("导入的信息可在“信息登记”中查看，每条都记下了来源文件和行号。")
        self.text.setText("".join(parts))
        self.done = True
        self.completeChanged.emit()
        self.w.ctx.bus.items_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DeskError) else "导入时出错，详细信息已写入日志。"
        self.text.setText(f"没有导入任何数据：{message}")
        self.done = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.done


class ImportWizard(QWizard):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path = ""
        self.raw: Optional[RawSheet] = None
        self.preview: Optional[Preview] = None
        self.mapping: Optional[dict[int, Optional[str]]] = None
        self.header: Optional[int] = None
        # Not ``options`` / ``result``: those would shadow QWizard.options() and QDialog.result().
        self.import_options = ImportOptions()
        self.import_result: Optional[ImportResult] = None
        self.job: Optional[Job] = None
        self.setWindowTitle("导入现有台账")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.NextButton, "下一步 >"),
                             (QWizard.WizardButton.BackButton, "< 上一步"),
                             (QWizard.WizardButton.FinishButton, "完成"),
                             (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.file_page, self.mapping_page = FilePage(self), MappingPage(self)
        self.preview_page, self.result_page = PreviewPage(self), ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(900, 680)
        if ctx.read_only:
            self.file_page.setEnabled(False)
            self.file_page.setSubTitle("当前为只读方式打开，不能导入。")
