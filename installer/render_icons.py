"""Renders the program's icon (resources/icons/deskapp.svg) into the PNG sizes a Linux
launcher asks for and, optionally, a Windows .ico — at build time, so the repository keeps one
drawing instead of a pile of bitmaps that drift apart.

Usage: python installer/render_icons.py SVG OUT_DIR [--sizes 16,24,...] [--ico FILE.ico]
Writes OUT_DIR/<size>.png for each size (each written to a temp file, then renamed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402 (the platform must be chosen before Qt loads)
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

LAUNCHER_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """One square, transparent, antialiased rendering (a small size is drawn at that size,
    not scaled down from a big bitmap, so its edges stay sharp)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def save_png(image: QImage, path: Path) -> None:
    tmp = path.with_name(path.stem + ".tmp.png")  # Qt picks the format from the suffix
    if not image.save(str(tmp)):
        raise OSError(f"无法写入图标文件 {path}，请检查目录权限后重试。")
    os.replace(tmp, path)


def save_ico(renderer: QSvgRenderer, path: Path) -> None:
    """A multi-size .ico (Pillow writes the exact renderings, one per size)."""
    from PIL import Image, ImageQt

    images = [ImageQt.fromqimage(render(renderer, s)).convert("RGBA") for s in ICO_SIZES]
    tmp = path.with_name(path.name + ".tmp")
    biggest = images[-1]
    biggest.save(tmp, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    with Image.open(tmp) as check:  # a broken .ico would only show on Windows; fail here
        check.load()
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("svg", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--sizes", default=",".join(map(str, LAUNCHER_SIZES)))
    parser.add_argument("--ico", type=Path)
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (Qt needs one)
    renderer = QSvgRenderer(str(args.svg))
    if not renderer.isValid():
        print(f"图标文件 {args.svg} 无法读取，请检查该 SVG 文件。", file=sys.stderr)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",") if s):
        save_png(render(renderer, size), args.out_dir / f"{size}.png")
    if args.ico:
        save_ico(renderer, args.ico)
    return 0


if __name__ == "__main__":
    sys.exit(main())
