"""Window actions around Excel files: choosing where to save, exporting the register view,
downloading the import template. Long work runs through the worker (progress dialog).

For the register tab (engineer A)::

    from deskapp.ui.common import excel_files as excel_actions
    excel_actions.export_register(ctx, self, self.model.filter, self.model.sort_key,
                                  self.model.descending)
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.errors import DeskError
from deskapp.core.register.query import ItemFilter
from deskapp.exports.excel.ledger_import import write_template
from deskapp.exports.excel.register_export import export_register_job
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.worker import Job, run_job

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def documents_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
                or Path.home())


def ask_save_path(parent: Optional[QWidget], title: str, default_name: str) -> Optional[str]:
    """Where to save an .xlsx (a module function so tests answer instead of the dialog)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / default_name), XLSX_FILTER)
    if path and not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return path or None


def ask_open_path(parent: Optional[QWidget], title: str) -> Optional[str]:
    # Ledgers: .xlsx, and the old .xls WPS often saves (read with xlrd).
    path, _ = QFileDialog.getOpenFileName(parent, title, str(documents_dir()),
                                          f"Excel 工作簿 (*.xlsx *.xls);;{XLSX_FILTER};;所有文件 (*)")
    return path or None


def export_register(ctx: AppContext, parent: Optional[QWidget], f: ItemFilter = ItemFilter(),
                    sort: str = "formed_on", descending: bool = True,
                    path: Optional[str] = None) -> Optional[Job]:
    """导出Excel: the register as filtered and sorted now, to a file the user chooses."""
    path = path or ask_save_path(parent, "导出台账", f"政务公开信息台账（{chinese_date(ctx.today())}导出）.xlsx")
    if not path:
        return None
    return run_job(ctx, parent, "正在导出台账", export_register_job, ctx.db, path, f, sort, descending,
                   ctx.today(), on_done=lambda n: ctx.messages.info(parent, f"已导出{n}条信息到“{path}”。"))


def download_template(ctx: AppContext, parent: Optional[QWidget], path: Optional[str] = None) -> Optional[str]:
    """下载模板: an empty ledger with dropdowns for this office's departments and catalogue."""
    path = path or ask_save_path(parent, "保存导入模板", "政务公开台账导入模板.xlsx")
    if not path:
        return None
    try:
        write_template(ctx.db, path)
    except DeskError as exc:
        ctx.messages.warn(parent, exc.message)
        return None
    ctx.messages.info(parent, f"导入模板已保存到“{path}”。填写后可用“导入现有台账”导入。")
    return path
