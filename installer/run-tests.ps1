# One line on Windows: sets up (the first time) and runs the whole test suite.
#   powershell -ExecutionPolicy Bypass -File installer\run-tests.ps1
# Without arguments the code checks run first: ruff, mypy and lint-imports.
$ErrorActionPreference = "Stop"
$Extra = "test"
. "$PSScriptRoot\setup-env.ps1"
$env:QT_QPA_PLATFORM = "offscreen"
Set-Location $Root
if ($args.Count -eq 0) {
    foreach ($check in @(@("ruff.exe", "check", "--no-cache", "."), @("mypy.exe"), @("lint-imports.exe", "--no-cache"))) {
        Write-Host "== $($check[0])"
        & "$Venv\Scripts\$($check[0])" @($check | Select-Object -Skip 1)
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
}
& "$Venv\Scripts\python.exe" -m pytest -q -p no:cacheprovider @args
exit $LASTEXITCODE
