#!/usr/bin/env bash
# One line: sets up (the first time) and runs the whole test suite. Arguments go to pytest.
# Without arguments (the full run, as .ci/run does) the code checks run first: ruff (lint),
# mypy (types) and lint-imports (the layer and feature contracts in pyproject.toml).
set -euo pipefail
# poppler-utils: tests render PDFs to check them as a reader would see them;
# libreoffice-writer: a test opens the annual report's .docx in LibreOffice, as WPS users' peers do;
# postgresql, postgresql-contrib (pg_trgm): the tests start a private throwaway server from these
# binaries (tests/postgres_support.py), never the system cluster;
# nsis, wine64: tests/installer/test_nsis.py compiles the Windows installer script with makensis
# and runs the setup.exe and its uninstaller silently under wine (~20 s);
# debootstrap, binutils: tests/installer/test_bundle.py builds the Linux bundle in a bullseye
# chroot and reads its glibc needs with objdump; desktop-file-utils: test_deb.py validates the
# .deb's menu entry.
export DESKAPP_EXTRA_APT="poppler-utils libreoffice-writer postgresql postgresql-contrib nsis wine64 debootstrap binutils desktop-file-utils"
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh" test
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
if [ $# -eq 0 ]; then
  # The full run builds the installers too (tests/installer: bundle, .deb, wheelhouse).
  export DESKAPP_BUILD_INSTALLERS="${DESKAPP_BUILD_INSTALLERS:-1}"
  echo "== ruff" >&2
  "$VENV/bin/ruff" check --no-cache .
  echo "== mypy" >&2
  "$VENV/bin/mypy"
  echo "== lint-imports" >&2
  "$VENV/bin/lint-imports" --no-cache
fi
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
