# One line for a newcomer on Windows 10/11: sets up (the first time) and opens the desk.
#   powershell -ExecutionPolicy Bypass -File installer\open-desk.ps1
# Without network: -Offline DIR installs from a folder of wheels made by
# installer/make-wheelhouse.sh win-amd64 (pip --no-index: nothing is downloaded).
$ErrorActionPreference = "Stop"
# No param() block: it would take deskapp's own flags (--db) for parameters of this script.
$Rest = @($args)
if ($Rest.Count -ge 1 -and $Rest[0] -eq "-Offline") {
    if ($Rest.Count -lt 2 -or -not (Test-Path -PathType Container $Rest[1])) {
        throw "离线安装需要 wheel 文件夹：open-desk.ps1 -Offline 文件夹（该文件夹不存在或未给出）。"
    }
    $OfflineDir = (Resolve-Path $Rest[1]).Path
    $Rest = @($Rest | Select-Object -Skip 2)
}
. "$PSScriptRoot\setup-env.ps1"
& "$Venv\Scripts\deskapp.exe" @Rest
