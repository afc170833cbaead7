# Creates .venv with the Python launcher (py -3) and installs the desk into it.
# Needs Python 3.11–3.13 from python.org (tick "py launcher"). Safe to run again.
$Root = Split-Path -Parent $PSScriptRoot
$Venv = if ($env:DESKAPP_VENV) { $env:DESKAPP_VENV } else { Join-Path $Root ".venv" }
if (-not (Get-Variable -Name Extra -Scope Script -ErrorAction SilentlyContinue)) { $Extra = "" }
if (-not (Get-Variable -Name OfflineDir -Scope Script -ErrorAction SilentlyContinue)) { $OfflineDir = "" }
if (-not (Test-Path "$Venv\Scripts\python.exe")) {
    Write-Host "正在建立运行环境 $Venv …"
    py -3 -m venv "$Venv"
    if (-not $OfflineDir) { & "$Venv\Scripts\python.exe" -m pip install -q --upgrade pip }
}
$Spec = if ($Extra) { "$Root[$Extra]" } else { "$Root" }
$Stamp = "$Venv\.deskapp-installed-$Extra"
if (-not (Test-Path $Stamp) -or (Get-Item "$Root\pyproject.toml").LastWriteTime -gt (Get-Item $Stamp).LastWriteTime) {
    Write-Host "正在安装程序及其依赖 …"
    # Offline ($OfflineDir set by open-desk.ps1 -Offline): --no-index, pip never uses a network.
    $Source = if ($OfflineDir) { @("--no-index", "--find-links", $OfflineDir) } else { @() }
    & "$Venv\Scripts\python.exe" -m pip install -q @Source -e "$Spec"
    if ($LASTEXITCODE -ne 0) {
        if ($OfflineDir) { throw "从 $OfflineDir 离线安装失败：该文件夹缺少所需的 wheel，请用 make-wheelhouse.sh win-amd64 重新制作。" }
        throw "安装失败，请检查网络或联系维护人员。"
    }
    New-Item -ItemType File -Force -Path $Stamp | Out-Null
}
