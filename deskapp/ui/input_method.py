"""Chinese typing in the one-folder bundle on fcitx5 desktops.

PySide6's wheels carry Qt's ibus and compose input-method plugins, not fcitx's. A desktop
running fcitx5 sets QT_IM_MODULE=fcitx; Qt then finds no such plugin and falls back to compose,
and the clerk cannot type Chinese. fcitx5 also answers the IBus protocol (its IBus frontend,
on by default, writes the ~/.config/ibus/bus address file), so the bundle asks Qt for ibus
instead. Only when the bundle has no fcitx plugin of its own; a source install uses whatever
Qt plugins the venv has and is left alone. See installer/README.md, "Input methods".
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

FCITX_NAMES = ("fcitx", "fcitx5")


def prefer_ibus_for_fcitx(environ: MutableMapping[str, str], plugin_dir: Path) -> bool:
    """Set QT_IM_MODULE=ibus when it asks for fcitx and ``plugin_dir`` (Qt's
    platforminputcontexts folder) has no fcitx plugin but has ibus's; True when it did."""
    asked = environ.get("QT_IM_MODULE", "").strip().lower()
    if asked not in FCITX_NAMES:
        return False
    if any(plugin_dir.glob("*fcitx*")) or not any(plugin_dir.glob("*ibus*")):
        return False
    environ["QT_IM_MODULE"] = "ibus"
    return True
