// electron-builder afterPack hook: the packaged app has its Electron-ABI better-sqlite3 by now;
// put the Node-ABI build back into node_modules so `npm test` keeps working after `npm run dist`.
const { execFileSync } = require('node:child_process');

exports.default = async function afterPack() {
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
};
