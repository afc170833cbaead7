# One line on Windows: sets up (the first time) and runs the whole test suite.
#   powershell -ExecutionPolicy Bypass -File installer\run-tests.ps1
$ErrorActionPreference = "Stop"
$Extra = "test"
. "$PSScriptRoot\setup-env.ps1"
$env:QT_QPA_PLATFORM = "offscreen"
Set-Location $Root
& "$Venv\Scripts\python.exe" -m pytest -q -p no:cacheprovider @args
exit $LASTEXITCODE
