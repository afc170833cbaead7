"""Showing and printing a PDF that is in memory (QtPdf).

The document is loaded from a QBuffer, never from a path: ``QPdfDocument.load(path)`` keeps
the file open, and on Windows the desk could then not overwrite it.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


class MemoryPdf:
    """A QPdfDocument over bytes held in memory (keeps the buffer alive with the document)."""

    def __init__(self, data: bytes, parent: Optional[QWidget] = None):
        self.bytes = QByteArray(data)
        self.buffer = QBuffer(self.bytes)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent) if parent is not None else QPdfDocument()
        self.document.load(self.buffer)

    def page_count(self) -> int:
        return self.document.pageCount()


def print_pdf(doc: QPdfDocument, printer: QPrinter) -> int:
    """Render every page of ``doc`` onto ``printer``, fitted to the page; returns pages sent."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            area = painter.viewport()
            points = doc.pagePointSize(i)
            scale = min(area.width() / points.width(), area.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            image = doc.render(i, size)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
    finally:
        painter.end()
    return doc.pageCount()


def ask_and_print(doc: QPdfDocument, parent: Optional[QWidget]) -> bool:
    """The system print dialog, then print. False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_pdf(doc, printer)
    return True


class PreviewDialog(QDialog):
    """An in-app preview with 打印 and 关闭; ``notes`` (warnings) are shown above the pages."""

    def __init__(self, data: bytes, title: str, notes: list[str], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(f"预览 — {title}")
        self.resize(820, 900)
        self.pdf = MemoryPdf(data, self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.pdf.document)
        layout = QVBoxLayout(self)
        for note in notes:
            label = QLabel("⚠ " + note, self)
            label.setWordWrap(True)
            label.setStyleSheet("color: #b00000;")
            layout.addWidget(label)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.print_button = QPushButton("打印…", self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(lambda: ask_and_print(self.pdf.document, self))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
