#!/usr/bin/env bash
# One line for a newcomer: sets up (the first time) and opens the desk on the default
# database. Arguments go to deskapp, e.g. `--db /path/to/desk.db`.
# Without network: `--offline DIR` first installs from a folder of wheels made by
# installer/make-wheelhouse.sh (pip --no-index: nothing is downloaded).
set -euo pipefail
if [ "${1:-}" = --offline ]; then
  [ -d "${2:-}" ] || { echo "离线安装需要 wheel 文件夹：bash installer/open-desk.sh --offline 文件夹" >&2; exit 2; }
  export DESKAPP_OFFLINE="$(cd "$2" && pwd)"
  shift 2
fi
# The empty argument: a sourced script sees the caller's arguments as its own, and
# setup-env.sh would take `--db` for the extras to install.
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh" ""
exec "$VENV/bin/deskapp" "$@"
