"""Checks a wheelhouse against the target it was made for, and says what is missing.

`pip download --platform win_amd64` resolves environment markers such as
`sys_platform == "win32"` against the machine it runs on, not the target: on Linux it skips
keyring's pywin32-ctypes and psycopg's tzdata and fetches SecretStorage instead. This script
walks the requirements from the desk's own wheel through every wheel's METADATA, evaluating
markers for the target (os, Python version), and prints the requirements no wheel in the folder
satisfies (one per line, for `pip download`), or, with --prune, removes the wheels the target
never installs.

Usage: python installer/wheelhouse_closure.py DIR TARGET PYVERS [--prune]
       TARGET = linux-x86_64 | win-amd64; PYVERS like 3.11 or 3.11,3.12,3.13
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOTS = ("deskapp", "setuptools", "wheel")
TARGETS = {
    "linux-x86_64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                     "platform_machine": "x86_64"},
    "win-amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                  "platform_machine": "AMD64"},
}


def environment(target: str, pyver: str) -> dict[str, str]:
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    env.update(TARGETS[target], python_version=pyver, python_full_version=f"{pyver}.0",
               implementation_name="cpython", platform_python_implementation="CPython")
    return env


def wheels(folder: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in folder.glob("*.whl"):
        name = canonicalize_name(parse_wheel_filename(path.name)[0])
        found.setdefault(name, []).append(path)
    return found


def requirements_of(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        text = zf.read(meta).decode("utf-8")
    return [Requirement(line.split(":", 1)[1].strip())
            for line in text.splitlines() if line.startswith("Requires-Dist:")]


def closure(folder: Path, target: str, pyver: str) -> tuple[set[str], list[str]]:
    """The distributions the target installs, and the requirements nothing here satisfies."""
    env = environment(target, pyver)
    have = wheels(folder)
    # setuptools and wheel: the build backend open-desk --offline needs to install a checkout.
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset()) for root in ROOTS]
    seen: set[tuple[str, frozenset[str]]] = set()
    needed: set[str] = set()
    missing: list[str] = []
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        needed.add(name)
        if name not in have:
            continue
        for req in requirements_of(have[name][0]):
            wanted = [dict(env, extra=e) for e in (extras or {""})]
            if req.marker is not None and not any(req.marker.evaluate(w) for w in wanted):
                continue
            dep = canonicalize_name(req.name)
            if dep not in have:
                missing.append(str(req).split(";")[0].strip())
                needed.add(dep)
                continue
            todo.append((dep, frozenset(req.extras)))
    return needed, sorted(set(missing))


def prune(folder: Path, target: str, pyvers: list[str]) -> list[Path]:
    """Removes wheels no listed Python of the target installs (fetched by host markers)."""
    needed: set[str] = set()
    for pyver in pyvers:
        needed |= closure(folder, target, pyver)[0]
    gone = [p for name, paths in wheels(folder).items() if name not in needed for p in paths]
    for path in gone:
        path.unlink()
    return gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("pyvers", help="3.11 or 3.11,3.12,3.13")
    parser.add_argument("--prune", action="store_true")
    args = parser.parse_args(argv)
    if "deskapp" not in wheels(args.folder):
        print(f"{args.folder} 中没有 deskapp 的 wheel，请先运行 make-wheelhouse.sh。", file=sys.stderr)
        return 2
    pyvers = args.pyvers.split(",")
    if args.prune:
        for path in prune(args.folder, args.target, pyvers):
            print(f"removed {path.name} (not installed on {args.target})", file=sys.stderr)
        return 0
    missing = sorted({m for v in pyvers for m in closure(args.folder, args.target, v)[1]})
    print("\n".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
