# 政务公开台账 — builds the Windows installer in one command on a Windows 10/11 PC with
# Python 3.11–3.13 (python.org, with the "py launcher") and NSIS 3 (nsis.sourceforge.io):
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Steps: a build venv (.venv-build), pip install .[build], the icon (.ico), PyInstaller with
# installer\deskapp.spec, the bundle's own --self-check, makensis installer\windows\deskapp.nsi.
# Result: dist\deskapp-<version>-win64-setup.exe
# Saved as UTF-8 with BOM: Windows PowerShell 5.1 reads a file without BOM in the ANSI code page.
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$Venv = if ($env:DESKAPP_BUILD_VENV) { $env:DESKAPP_BUILD_VENV } else { Join-Path $Root ".venv-build" }
$Dist = Join-Path $Root "dist"

function Step([string]$Zh, [string]$En) { Write-Host "== $Zh / $En" -ForegroundColor Cyan }
function Fail([string]$Zh, [string]$En) {
    Write-Host "错误：$Zh" -ForegroundColor Red
    Write-Host "error: $En" -ForegroundColor Red
    exit 2
}
function Check([string]$Zh, [string]$En) { if ($LASTEXITCODE -ne 0) { Fail $Zh $En } }

Step "检查 Python" "checking Python"
if (-not (Get-Command py -ErrorAction SilentlyContinue)) {
    Fail "找不到 py 启动器，请从 python.org 安装 Python 3.11–3.13 并勾选 py launcher。" "the py launcher is missing: install Python 3.11-3.13 from python.org with the py launcher"
}
& py -3 -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)"
Check "需要 Python 3.11–3.13，请安装后重试（py -0 可列出已安装的版本）。" "Python 3.11-3.13 is needed (py -0 lists the installed ones)"

Step "找 NSIS（makensis）" "looking for NSIS (makensis)"
$MakeNsis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $MakeNsis) {
    foreach ($Dir in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if ($Dir -and (Test-Path (Join-Path $Dir "NSIS\makensis.exe"))) { $MakeNsis = Join-Path $Dir "NSIS\makensis.exe"; break }
    }
}
if (-not $MakeNsis) {
    Fail "找不到 makensis，请安装 NSIS 3（winget install NSIS.NSIS，或从 nsis.sourceforge.io 下载）后重试。" "makensis not found: install NSIS 3 (winget install NSIS.NSIS) and run again"
}

Step "建立构建环境 $Venv" "build environment $Venv"
if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) {
    & py -3 -m venv $Venv
    Check "无法建立虚拟环境 $Venv。" "could not create the venv $Venv"
}
$Py = Join-Path $Venv "Scripts\python.exe"
& $Py -m pip install -q --upgrade pip
Check "升级 pip 失败，请检查网络。" "pip upgrade failed: check the network"
& $Py -m pip install -q "$Root[build]"
Check "安装程序及 PyInstaller 失败，请检查网络或联系维护人员。" "installing the desk and PyInstaller failed"
$Version = (& $Py -c "import deskapp; print(deskapp.__version__)").Trim()
Check "无法读取程序版本号。" "could not read the version"

Step "生成图标" "rendering the icon"
# (Not `--sizes ""`: Windows PowerShell 5.1 drops an empty argument to a program.)
$Icon = Join-Path $Root "resources\icons\deskapp.ico"
& $Py (Join-Path $Root "installer\render_icons.py") (Join-Path $Root "resources\icons\deskapp.svg") (Join-Path $env:TEMP "deskapp-icons") --ico $Icon
Check "生成图标失败。" "rendering the icon failed"

Step "PyInstaller 打包 $Version" "PyInstaller bundle $Version"
& (Join-Path $Venv "Scripts\pyinstaller.exe") --noconfirm --distpath $Dist --workpath (Join-Path $Root "build\pyinstaller") (Join-Path $Root "installer\deskapp.spec")
Check "PyInstaller 打包失败，请查看上面的输出。" "PyInstaller failed (see above)"
$Exe = Join-Path $Dist "deskapp\deskapp.exe"

Step "程序自检" "the bundle's self-check"
# A window program without a console: its exit status is the verdict, its lines go nowhere.
$Check = Start-Process -FilePath $Exe -ArgumentList "--self-check" -Wait -PassThru -NoNewWindow
if ($Check.ExitCode -ne 0) {
    Fail "打包后的程序自检未通过（退出码 $($Check.ExitCode)），请用 python -m deskapp --self-check 查看哪一步失败。" "the bundle's self-check failed (exit $($Check.ExitCode))"
}

Step "生成安装程序" "building the installer"
$Setup = Join-Path $Dist "deskapp-$Version-win64-setup.exe"
& $MakeNsis /V2 "/DVERSION=$Version" "/DPAYLOAD=$(Join-Path $Dist 'deskapp')" "/DOUTFILE=$Setup" "/DICON=$Icon" (Join-Path $Root "installer\windows\deskapp.nsi")
Check "makensis 生成安装程序失败，请查看上面的输出。" "makensis failed (see above)"
Write-Host "完成：$Setup" -ForegroundColor Green
Write-Host "done: $Setup"
