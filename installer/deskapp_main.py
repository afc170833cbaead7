"""Entry point of the PyInstaller bundle (installer/deskapp.spec): the same ``main`` as the
``deskapp`` console script, so the bundle takes the same sub-commands and ``--self-check``."""

from __future__ import annotations

from deskapp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
