; Per-user Labelbridge installer: double-click, no admin rights.
; Built by scripts/dist.sh:
;   makensis -DVERSION=v1.2.3 -DVIVERSION=1.2.3.0 -DARCH=amd64 -DTARGET=amd64-unicode \
;            -DEXE=labelbridge.exe -DICON=labelbridge.ico -DOUTFILE=setup.exe installer.nsi
; Installs to %LOCALAPPDATA%\Programs\Labelbridge, adds a Start-menu entry,
; starts the app at every login (HKCU Run) and right after installing.
; An upgrade stops the running copy and replaces it in place.
; Command line: /S silent; /NORUN do not start the app at the end.
; Uninstaller: asks whether to delete settings and job history (kept with /S
; unless /PURGE is given).

Unicode true
Target ${TARGET}
!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh

!define APP "Labelbridge"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Labelbridge"

Name "${APP}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Labelbridge"
SetCompressor /SOLID lzma
BrandingText "${APP} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VIVERSION}"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VIVERSION}"
VIAddVersionKey "FileDescription" "${APP} setup (${ARCH})"
VIAddVersionKey "CompanyName" "${APP}"
VIAddVersionKey "LegalCopyright" "Labelbridge contributors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_NOAUTOCLOSE
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; StopApp ends running copies of this user's labelbridge.exe (others'
; copies are refused by Windows without admin rights) and waits, up to
; 10 s, until the file can be replaced.
!macro StopApp un
Function ${un}StopApp
  IfFileExists "$INSTDIR\labelbridge.exe" 0 stopped
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /IM labelbridge.exe'
  Pop $0
  StrCpy $1 0
  retry:
    ClearErrors
    Delete "$INSTDIR\labelbridge.exe"
    IfErrors 0 stopped
    IntOp $1 $1 + 1
    IntCmp $1 40 0 0 failed
    Sleep 250
    Goto retry
  failed:
    MessageBox MB_OK|MB_ICONSTOP "Labelbridge is still running and could not be stopped. Quit it from its tray icon and try again." /SD IDOK
    Abort
  stopped:
FunctionEnd
!macroend
!insertmacro StopApp ""
!insertmacro StopApp "un."

Section "Labelbridge" SecMain
  SetShellVarContext current
  Call StopApp
  SetOutPath "$INSTDIR"
  File "/oname=labelbridge.exe" "${EXE}"
  File "/oname=labelbridge.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\Labelbridge.lnk" "$INSTDIR\labelbridge.exe" "" "$INSTDIR\labelbridge.exe" 0
  WriteRegStr HKCU "${RUN_KEY}" "Labelbridge" '"$INSTDIR\labelbridge.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\labelbridge.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
  ; Trust the local CA (wss, https pages) in this user's Root store: Windows
  ; asks the user to confirm, so silent installs skip it (the panel offers it).
  IfSilent +2
    ExecWait '"$INSTDIR\labelbridge.exe" trust install'
SectionEnd

Function .onInstSuccess
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/NORUN" $1
  ${If} ${Errors}
    Exec '"$INSTDIR\labelbridge.exe"'
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Remove exactly the certificates 'trust install' added (Windows asks to
  ; confirm removing a root, so silent uninstalls leave it: see docs/install.md).
  IfSilent +2
    ExecWait '"$INSTDIR\labelbridge.exe" trust uninstall'
  Call un.StopApp
  Delete "$INSTDIR\labelbridge.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Labelbridge.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "Labelbridge"
  DeleteRegKey HKCU "${UNINST_KEY}"

  ; Settings (%APPDATA%\Labelbridge) and job history (%LOCALAPPDATA%\Labelbridge):
  ; the user chooses; silent uninstalls keep them unless /PURGE is given.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/PURGE" $1
  ${IfNot} ${Errors}
    Goto purge
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONQUESTION "Also delete Labelbridge's settings and job history?$\n$\nChoose No to keep them for a later reinstall." /SD IDNO IDYES purge
  Goto done
  purge:
    RMDir /r "$LOCALAPPDATA\Labelbridge"
    RMDir /r "$APPDATA\Labelbridge"
  done:
SectionEnd
