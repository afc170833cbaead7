#!/usr/bin/env bash
# One line for a newcomer: sets up (the first time) and opens the desk on the default
# database. Arguments go to deskapp, e.g. `--db /path/to/desk.db`.
set -euo pipefail
# The empty argument: a sourced script sees the caller's arguments as its own, and
# setup-env.sh would take `--db` for the extras to install.
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh" ""
exec "$VENV/bin/deskapp" "$@"
