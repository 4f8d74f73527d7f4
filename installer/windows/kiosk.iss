; Inno Setup script of the Windows installer: wraps the one-dir bundle dist\kiosk\ (installer/build.sh
; run on Windows) into face-kiosk-setup-VERSION.exe. Needs Inno Setup 6.3 or newer (x64compatible).
;
;   iscc /DAppVersion=0.1.0 installer\windows\kiosk.iss        -> dist\face-kiosk-setup-0.1.0.exe
;
; The bundle holds kiosk.exe (console: `kiosk doctor` and the other commands) and kiosk-gui.exe (the
; same program without a console window: shortcuts, autostart, Shell Launcher). See README.md here
; for kiosk mode with Shell Launcher.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  ; Relative to this script's folder (Inno's default SourceDir).
  #define BundleDir "..\..\dist\kiosk"
#endif
#define AppName "Face Kiosk"
#define GuiExe "kiosk-gui.exe"
#define CliExe "kiosk.exe"
; The local group whose members may read and change the shared data folder (faces, templates, the data
; key): the kiosk's own account goes in it, nobody else needs to.
#define KioskGroup "Face Kiosk Users"

[Setup]
; AppId identifies the product for upgrades and uninstall: never change it between versions.
AppId={{6F0E3C1B-3E58-4C47-9C39-2B7A7F4D5A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Face Kiosk project
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine by default (Program Files, all users' startup, shared data folder); the dialog lets a
; user without admin rights install for themselves instead.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist
OutputBaseFilename=face-kiosk-setup-{#AppVersion}
UninstallDisplayIcon={app}\{#GuiExe}
; An upgrade closes a running kiosk (Restart Manager) instead of failing on locked files.
CloseApplications=yes
RestartApplications=no
; The KIOSK_HOME machine variable (task shareddata) must reach new processes without a reboot.
ChangesEnvironment=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "startmenu"; Description: "Create Start menu shortcuts (kiosk, kiosk doctor)"; GroupDescription: "Shortcuts:"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "Shortcuts:"; Flags: unchecked
Name: "autostart"; Description: "Start the kiosk full screen when a user signs in"; GroupDescription: "Kiosk:"
Name: "shareddata"; Description: "Keep the kiosk's data (database, settings, logs) in one folder for all users: {commonappdata}\{#AppName}"; GroupDescription: "Kiosk:"; Check: IsAdminInstallMode

[Files]
; The whole one-dir bundle, models\ included (build.sh verified their sha256).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "README.md"; DestDir: "{app}\docs"; DestName: "windows-kiosk-mode.md"; Flags: ignoreversion

[Dirs]
; Biometric data and its key live here: not open to every local user. The folder is made here and its
; access list replaced in [Run]: Administrators and SYSTEM full control, the kiosk group modify,
; nothing inherited from ProgramData (which lets every user create files there).
Name: "{commonappdata}\{#AppName}"; Tasks: shareddata

[Registry]
; KIOSK_HOME for every account, so the kiosk user and an admin running `kiosk doctor` see the same data.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "KIOSK_HOME"; ValueData: "{commonappdata}\{#AppName}"; Flags: uninsdeletevalue; Tasks: shareddata

[Icons]
Name: "{autoprograms}\{#AppName}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: startmenu
Name: "{autoprograms}\{#AppName}\{#AppName} (window)"; Filename: "{app}\{#GuiExe}"; Parameters: "--windowed"; WorkingDir: "{app}"; Tasks: startmenu
Name: "{autoprograms}\{#AppName}\Kiosk doctor"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" doctor"; WorkingDir: "{app}"; Comment: "Check camera, models, database and disk"; Tasks: startmenu
Name: "{autoprograms}\{#AppName}\Uninstall {#AppName}"; Filename: "{uninstallexe}"; Tasks: startmenu
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon
; All users' Startup folder in an admin install, the user's own otherwise.
Name: "{autostartup}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: autostart

[Run]
; net exits non-zero when the group exists already (an upgrade): harmless, Inno goes on.
Filename: "{sys}\net.exe"; Parameters: "localgroup ""{#KioskGroup}"" /add /comment:""Accounts that run the face kiosk (may use its data folder)"""; Flags: runhidden; StatusMsg: "Creating the group {#KioskGroup}..."; Tasks: shareddata
; *S-1-5-32-544 = Administrators, *S-1-5-18 = SYSTEM (by SID: the names differ by language).
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\{#AppName}"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F ""{#KioskGroup}:(OI)(CI)M"" /T /Q"; Flags: runhidden; StatusMsg: "Restricting the data folder..."; Tasks: shareddata
Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" doctor"; WorkingDir: "{app}"; Description: "Check this PC now (kiosk doctor)"; Flags: postinstall nowait skipifsilent
Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Description: "Start the kiosk now"; Flags: postinstall nowait skipifsilent unchecked
