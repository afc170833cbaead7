; 政务公开台账 — the Windows setup.exe (NSIS 3, Unicode).
;
; Why NSIS and not Inno Setup: makensis runs on Linux (Debian's `nsis` package), so CI compiles
; this script on every run (tests/installer/test_nsis.py) and a script error fails CI, not the
; release; Inno Setup's compiler runs only on Windows (or under wine).
;
; Installs the one-folder PyInstaller bundle for the current user only, without admin rights,
; to %LOCALAPPDATA%\Programs\政务公开台账; a Start-menu shortcut, an optional desktop shortcut,
; an uninstaller registered under HKCU (Settings > Apps). The desk's data lives elsewhere
; (%LOCALAPPDATA%\deskapp: desk.db, backups, logs) and is never touched by (un)installing.
;
; Compile (installer/windows/build.ps1 does this):
;   makensis /DVERSION=0.1.0 /DPAYLOAD=dist\deskapp /DOUTFILE=dist\deskapp-0.1.0-win64-setup.exe
;            [/DICON=resources\icons\deskapp.ico] installer\windows\deskapp.nsi
; Saved as UTF-8 with BOM: makensis reads a file without BOM in the system code page.

Unicode true
; 64-bit installer: the bundle is 64-bit, so a 32-bit Windows gets a clear refusal from
; Windows itself instead of a program that cannot start.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "缺少 /DVERSION=x.y.z（程序版本号）"
!endif
!ifndef PAYLOAD
  !error "缺少 /DPAYLOAD=目录（PyInstaller 生成的 deskapp 文件夹）"
!endif
!ifndef OUTFILE
  ; ASCII: a Chinese file name garbles in zip files and some transfer tools between PCs
  !define OUTFILE "deskapp-${VERSION}-win64-setup.exe"
!endif

!define APPNAME "政务公开台账"
!define EXE "deskapp.exe"
!define PUBLISHER "政务公开台账维护组"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\deskapp"
!define DATADIR "$LOCALAPPDATA\deskapp"

; Windows wants four numbers (x.y.z.0); the desk's versions have three.
!searchparse /noerrors "${VERSION}" "" VMAJOR "." VMINOR "." VPATCH
!ifndef VPATCH
  !define VPATCH 0
!endif

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VMAJOR}.${VMINOR}.${VPATCH}.0"
VIFileVersion "${VMAJOR}.${VMINOR}.${VPATCH}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT License"

!include "MUI2.nsh"
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即打开${APPNAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "${APPNAME}（必选）" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the old program files only (never the data folder): a file the new
  ; version no longer has must not linger in _internal and be loaded by mistake.
  IfFileExists "$INSTDIR\${EXE}" 0 +2
    RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${APPNAME}：政务信息公开台账"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  SectionGetSize ${SecProgram} $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
  DetailPrint "台账数据保存在 ${DATADIR}，卸载本程序不会删除它。"
SectionEnd

Section "桌面快捷方式" SecDesktop
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${APPNAME}：政务信息公开台账"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "程序本身（安装到当前用户，不需要管理员权限）。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面放一个打开台账的图标。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; Removes only what the installer put there (the folder may be one the user chose, with other
; files in it) and never the data folder.
Section "Uninstall"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DetailPrint "台账数据仍保存在 ${DATADIR}，如需彻底删除请手动删除该文件夹。"
SectionEnd
