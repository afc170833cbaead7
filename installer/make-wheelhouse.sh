#!/usr/bin/env bash
# Downloads every wheel the desk needs for one target into one folder, plus the desk's own
# wheel, so a PC without network can install it: `bash installer/open-desk.sh --offline DIR`
# (from a checkout), `open-desk.ps1 -Offline DIR` on Windows, or without a checkout
# `python -m pip install --no-index --find-links DIR deskapp`.
# Usage: bash installer/make-wheelhouse.sh TARGET DIR      TARGET = linux-x86_64 | win-amd64
# Environment:
#   DESKAPP_WHEEL_PYTHONS  the target's Python versions (default "3.11 3.12 3.13": all the desk
#                          supports, so the folder fits whichever the PC has)
#   DESKAPP_WHEEL_GLIBC    linux: the newest manylinux glibc allowed (default 2.28, UOS 20's; it
#                          selects PySide6 6.9.x; 2.34 allows 6.11)
#   DESKAPP_BUILD_CACHE    downloads are cached in its pip/ folder (default /var/cache/deskapp-build)
#   DESKAPP_PYTHON         the Python running pip here (default .venv/bin/python)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:-}"
DIR="${2:-}"
PY="${DESKAPP_PYTHON:-$ROOT/.venv/bin/python}"
CACHE="${DESKAPP_BUILD_CACHE:-/var/cache/deskapp-build}/pip"
PYTHONS="${DESKAPP_WHEEL_PYTHONS:-3.11 3.12 3.13}"
GLIBC="${DESKAPP_WHEEL_GLIBC:-2.28}"

die() { echo "$*" >&2; exit 2; }
[ -n "$DIR" ] || die "用法：bash installer/make-wheelhouse.sh linux-x86_64|win-amd64 目标文件夹"
[ -x "$PY" ] || die "找不到 Python（$PY），请先运行 bash installer/run-tests.sh --version 建立 .venv，或设置 DESKAPP_PYTHON。"
case "$TARGET" in
  linux-x86_64)
    PLATFORMS=(--platform manylinux2014_x86_64)
    for ((minor = 17; minor <= ${GLIBC#2.}; minor++)); do PLATFORMS+=(--platform "manylinux_2_${minor}_x86_64"); done ;;
  win-amd64) PLATFORMS=(--platform win_amd64) ;;
  *) die "不认识的目标平台“$TARGET”，可选：linux-x86_64、win-amd64。" ;;
esac
mkdir -p "$DIR" "$CACHE"
DIR="$(cd "$DIR" && pwd)"
PIP=("$PY" -m pip --disable-pip-version-check)

echo "== 本程序的 wheel" >&2
rm -f "$DIR"/deskapp-*.whl
"${PIP[@]}" wheel -q --no-deps --cache-dir "$CACHE" -w "$DIR" "$ROOT"
DESK_WHEEL="$(ls "$DIR"/deskapp-*.whl)"

download() {  # download PYVER REQUIREMENT...
  local pyver="$1"; shift
  "${PIP[@]}" download -q --cache-dir "$CACHE" --dest "$DIR" --only-binary=:all: \
    "${PLATFORMS[@]}" --python-version "$pyver" --implementation cp "$@"
}

for pyver in $PYTHONS; do
  echo "== $TARGET, Python $pyver" >&2
  # setuptools and wheel: open-desk --offline installs the checkout itself, which needs them.
  download "$pyver" "$DESK_WHEEL" "setuptools>=69" wheel
  # pip judges markers (sys_platform == "win32") by this machine, not the target: add what
  # the target needs and this resolve skipped, until nothing is missing.
  for _ in 1 2 3 4; do
    mapfile -t missing < <("$PY" "$ROOT/installer/wheelhouse_closure.py" "$DIR" "$TARGET" "$pyver" | sed "/^$/d")
    [ ${#missing[@]} -eq 0 ] && break
    echo "   补充目标平台所需：${missing[*]}" >&2
    download "$pyver" "${missing[@]}"
  done
  [ ${#missing[@]} -eq 0 ] || die "仍缺少 ${missing[*]}，请检查网络后重试。"
done
"$PY" "$ROOT/installer/wheelhouse_closure.py" "$DIR" "$TARGET" "${PYTHONS// /,}" --prune

cat > "$DIR/安装说明.txt" <<TXT
政务公开台账 离线安装包（$TARGET，Python ${PYTHONS// /、}）
有源码目录时：  bash installer/open-desk.sh --offline 本文件夹
               powershell -ExecutionPolicy Bypass -File installer\\open-desk.ps1 -Offline 本文件夹
没有源码目录时：python -m pip install --no-index --find-links 本文件夹 deskapp
TXT
echo "已下载到 $DIR：$(ls "$DIR"/*.whl | wc -l) 个 wheel，$(du -sh "$DIR" | cut -f1)" >&2
