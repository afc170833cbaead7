#!/usr/bin/env bash
# Prepares everything the desk needs on Debian/Ubuntu/UOS/Kylin and other Linux:
# the system libraries Qt needs, a private virtual environment in .venv, and the desk
# installed into it. Safe to run again: it only does what is missing.
# Usage: source installer/setup-env.sh [extra]   (extra = "test" also installs test tools)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DESKAPP_VENV:-$ROOT/.venv}"
EXTRA="${1:-}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# Qt's libraries (EGL, xkbcommon, fontconfig, dbus, xcb) and python3-venv, on apt systems.
ensure_system_packages() {
  command -v apt-get >/dev/null || return 0
  local need=()
  for pkg in libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
             libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
             libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libglib2.0-0 python3-venv $DESKAPP_EXTRA_APT; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "正在安装系统组件：${need[*]}" >&2
  as_root apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "提示：未能自动安装 ${need[*]}，如界面无法打开请让管理员安装。" >&2
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "正在建立运行环境 $VENV …" >&2
    python3 -m venv "$VENV"
    [ -n "$OFFLINE" ] || "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  local spec="$ROOT"; [ -n "$EXTRA" ] && spec="$ROOT[$EXTRA]"
  local stamp="$VENV/.deskapp-installed-$EXTRA"
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "正在安装程序及其依赖 …" >&2
    # Offline (DESKAPP_OFFLINE=wheel folder): --no-index, so pip never reaches for a network.
    "$VENV/bin/python" -m pip install -q ${OFFLINE:+--no-index --find-links "$OFFLINE"} -e "$spec"
    touch "$stamp"
  fi
}

DESKAPP_EXTRA_APT="${DESKAPP_EXTRA_APT:-}"
OFFLINE="${DESKAPP_OFFLINE:-}"
ensure_system_packages
ensure_venv
export VENV ROOT
