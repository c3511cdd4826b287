// Packaging for IT-managed fleets (docs/deploy.md is the guide for IT; tests/unit/electron/
// packaging.test.ts checks every promise made here).
//
// Windows: a per-machine NSIS installer that installs silently (`HotlineDesk-Setup-x.y.z.exe /S
// /D=C:\Program Files\Hotline Desk`) and an MSI with a fixed upgrade code for Group Policy /
// SCCM (`msiexec /i HotlineDesk-x.y.z.msi /qn`); Linux: deb, rpm and AppImage. Machine-wide
// settings come from the policy file (src/main/config.ts), never from the installer.

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'cn.gov.hotline12345.desk',
  productName: 'Hotline Desk',
  copyright: 'Copyright © 2026 12345 政务服务热线',
  directories: { output: 'release', buildResources: 'resources/build' },
  files: [
    'out/**',
    // the unit portal is served by the central server, not part of the workstation
    '!out/portal/**',
    'package.json',
    '!**/*.map',
  ],
  extraResources: [{ from: 'resources', to: 'resources', filter: ['**/*', '!build/**'] }],
  // better-sqlite3 is native: kept outside the asar archive so it can be loaded
  asarUnpack: ['node_modules/better-sqlite3/**'],
  // the native module is rebuilt for Electron's ABI in packaging only: electron-builder rebuilds
  // it before packing, and the afterPack hook rebuilds it for Node's again, so `npm test` never
  // meets a module built for the wrong ABI
  npmRebuild: true,
  afterPack: 'scripts/after-pack.cjs',
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    // Playwright's _electron needs this fuse on: test builds pass
    // -c.electronFuses.enableNodeCliInspectArguments=true
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  // hotline://call/ringing?number=…&callId=… (screen pop from phone systems that open a URL; see
  // README "Screen pop from the phone system"): registered per machine by the installers and the
  // .desktop file; the running app also calls app.setAsDefaultProtocolClient('hotline')
  protocols: [{ name: 'Hotline Desk call', schemes: ['hotline'] }],
  artifactName: 'HotlineDesk-${version}-${arch}.${ext}',
  win: {
    target: [
      { target: 'nsis', arch: ['x64'] },
      { target: 'msi', arch: ['x64'] },
    ],
  },
  nsis: {
    oneClick: false,
    // into Program Files for every user of the machine, never into one user's profile
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    shortcutName: '热线工作台',
    // a silent install by IT on a machine nobody is signed in to must not start the app
    runAfterFinish: false,
    // removing the program keeps the operators' stores (cases not yet synced live there)
    deleteAppDataOnUninstall: false,
  },
  msi: {
    perMachine: true,
    oneClick: false,
    shortcutName: '热线工作台',
    runAfterFinish: false,
    // fixed for the life of the product: Windows Installer upgrades in place only when every
    // release carries the same upgrade code (GPO / SCCM deploy the next MSI over the last one)
    upgradeCode: '5B6E3B4C-2F7A-4C1D-9E0B-3A1D2C4B5E6F',
  },
  linux: {
    target: ['deb', 'rpm', 'AppImage'],
    category: 'Office',
    maintainer: '12345 hotline IT <it@example.invalid>',
    synopsis: '热线工作台 — 12345 hotline operator workstation',
  },
};
