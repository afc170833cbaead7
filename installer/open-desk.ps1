# One line for a newcomer on Windows 10/11: sets up (the first time) and opens the desk.
#   powershell -ExecutionPolicy Bypass -File installer\open-desk.ps1
$ErrorActionPreference = "Stop"
. "$PSScriptRoot\setup-env.ps1"
& "$Venv\Scripts\deskapp.exe" @args
