"""Entry point of the PyInstaller bundle (installer/deskapp.spec): the same ``main`` as the
``deskapp`` console script, so the bundle takes the same sub-commands and ``--self-check``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from deskapp.cli import main
from deskapp.ui.input_method import prefer_ibus_for_fcitx

if __name__ == "__main__":
    if sys.platform.startswith("linux") and hasattr(sys, "_MEIPASS"):  # before Qt reads it
        plugins = Path(sys._MEIPASS) / "PySide6" / "Qt" / "plugins" / "platforminputcontexts"
        prefer_ibus_for_fcitx(os.environ, plugins)
    raise SystemExit(main())
