#!/usr/bin/env bash
# One line: sets up (the first time) and runs the whole test suite. Arguments go to pytest.
set -euo pipefail
# poppler-utils: tests render PDFs to check them as a reader would see them.
export DESKAPP_EXTRA_APT="poppler-utils"
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh" test
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
