"""Works out the .deb's `Depends` from the bundle itself, so it names only what the bundle
really loads from the system — not a guessed list that drifts as the spec changes.

PyInstaller copies most libraries into the bundle; what it leaves out on purpose (glibc, the
GL/EGL driver stack, libxcb, libdrm, wayland) must come from the system. This script reads the
DT_NEEDED entries (`objdump -p`) of every ELF file of the bundle the desk needs to start
(optional Qt parts are skipped, see OPTIONAL), keeps the sonames the bundle does not carry,
maps each to its Debian package (the same names on Debian 10-12,
UOS 20 and Kylin V10), and takes the libc6 floor from the newest GLIBC_x.y symbol version any
of those files asks for (`objdump -T`).

Usage: python installer/deb_depends.py BUNDLE_DIR      prints the Depends value
       python installer/deb_depends.py BUNDLE_DIR --glibc   prints only the glibc floor
An unknown system library stops the build with a message naming it (add it to PACKAGES).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

# Parts of Qt that may fail to load without stopping the desk (Qt skips a plugin whose
# libraries are missing): the wayland platform (UOS/Kylin desktops run X11; on a wayland
# session Qt falls back to XWayland), KMS/EGLFS full-screen platforms, QML/virtual keyboard,
# the GTK3 theme, SQL drivers the desk does not use.
OPTIONAL = re.compile(
    r"(/wayland-|libqwayland|libQt6Wayland|libQt6WlShell|EglFS|eglfs|egldeviceintegrations"
    r"|/qml/|libQt6Qml|libQt6Quick|VirtualKeyboard|virtualkeyboard|platformthemes/libqgtk3"
    r"|/sqldrivers/|/qmltooling/|libqvkkhrdisplay|libqlinuxfb|libqvnc)"
)

# System library (soname prefix) -> Debian package. Only libraries PyInstaller refuses to
# bundle should ever appear here; everything else travels inside the bundle.
PACKAGES: dict[str, str] = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6",
    "libcrypt.so.1": "libcrypt1 | libc6 (<< 2.29)",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libgl1",
    "libGLdispatch.so.0": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libEGL.so.1": "libegl1",
    "libxcb.so.1": "libxcb1",
    "libdrm.so.2": "libdrm2",
    "libwayland-client.so.0": "libwayland-client0",
    # Qt's CUPS print support plugin (the printer list of the print dialog); every UOS/Kylin
    # desktop has CUPS. A bundle built where libcups is installed carries its own copy.
    "libcups.so.2": "libcups2",
    # Left out of the bundle by deskapp.spec (bullseye's builds need glibc 2.29/2.30): the
    # system's own, which every UOS/Kylin desktop has (freetype and dbus load them).
    "libpng16.so.16": "libpng16-16",
    "libsystemd.so.0": "libsystemd0",
}

# Not found by ldd but read at run time: the bundled fontconfig reads /etc/fonts (brought in
# by libfontconfig1 -> fontconfig-config) to find the system's fonts.
ALWAYS = ["libfontconfig1"]


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed_files(bundle: Path) -> list[Path]:
    files = [p for p in sorted(bundle.rglob("*")) if p.is_file() and not p.is_symlink() and is_elf(p)]
    return [p for p in files if not OPTIONAL.search("/" + p.relative_to(bundle).as_posix())]


def direct_needs(files: list[Path]) -> dict[Path, list[str]]:
    """Each file's DT_NEEDED sonames (`objdump -p`): what it asks for itself. Not `ldd`, which
    also lists what the system's own libraries need (their packages depend on that)."""
    needs: dict[Path, list[str]] = {}
    for chunk in range(0, len(files), 40):
        out = subprocess.run(["objdump", "-p", *map(str, files[chunk:chunk + 40])],
                             capture_output=True, text=True, check=False).stdout
        current: list[str] = []
        for line in out.splitlines():
            head = re.match(r"^(\S.*):\s+file format", line)
            if head:
                current = needs.setdefault(Path(head.group(1)), [])
            elif (m := re.match(r"\s+NEEDED\s+(\S+)", line)):
                current.append(m.group(1))
    return needs


def system_libraries(bundle: Path, files: list[Path]) -> set[str]:
    """Sonames the files ask for that the bundle does not carry: the system must have them."""
    carried = {p.name for p in bundle.rglob("*.so*")}
    return {soname for needed in direct_needs(files).values() for soname in needed
            if soname not in carried}


def glibc_floor(files: list[Path]) -> str:
    """The newest GLIBC_x.y symbol version any file asks for: libc6's lower bound."""
    best = (2, 0)
    for chunk in range(0, len(files), 40):
        out = subprocess.run(["objdump", "-T", *map(str, files[chunk:chunk + 40])],
                             capture_output=True, text=True, check=False).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


def depends(bundle: Path) -> str:
    files = needed_files(bundle)
    packages: list[str] = []
    unknown = []
    for soname in sorted(system_libraries(bundle, files)):
        package = PACKAGES.get(soname)
        if package is None:
            unknown.append(soname)
        elif package not in packages:
            packages.append(package)
    if unknown:
        raise SystemExit(f"程序包用到了未登记的系统库 {', '.join(unknown)}，"
                         "请在 installer/deb_depends.py 的 PACKAGES 中写明它所在的软件包后重试。")
    floor = glibc_floor(files)
    packages = [f"libc6 (>= {floor})" if p == "libc6" else p for p in packages]
    if not any(p.startswith("libc6 ") for p in packages):
        packages.insert(0, f"libc6 (>= {floor})")
    return ", ".join(packages + [p for p in ALWAYS if p not in packages])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--glibc", action="store_true")
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"找不到程序包目录 {args.bundle}，请先构建它。", file=sys.stderr)
        return 2
    print(glibc_floor(needed_files(args.bundle)) if args.glibc else depends(args.bundle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
