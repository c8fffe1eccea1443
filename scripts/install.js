'use strict';
// Install step: use a prebuilt binary that really loads on this machine, otherwise compile with cmake-js.

const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const fromSource =
  process.env.npm_config_build_from_source === 'true' || process.env.HNSWKIT_BUILD_FROM_SOURCE === '1';

function tryPrebuilt() {
  let file;
  try {
    file = require('node-gyp-build').resolve(root);
    require(file); // a real dlopen: catches a wrong architecture or libc
    return { ok: true, file };
  } catch (err) {
    return { ok: false, reason: String(err && err.message ? err.message : err).split('\n')[0] };
  }
}

if (!fromSource) {
  const found = tryPrebuilt();
  if (found.ok) {
    console.log(`hnswkit: using ${path.relative(root, found.file)}`);
    process.exit(0);
  }
  console.log(`hnswkit: no usable prebuilt binary (${found.reason}); compiling from source with cmake-js`);
} else {
  console.log('hnswkit: building from source as requested');
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const result = spawnSync(process.execPath, [cmakeJs, 'rebuild'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    'hnswkit: the source build failed. It needs CMake (3.15 or newer) and a C++17 compiler:\n' +
      '  Debian/Ubuntu: apt-get install cmake g++\n' +
      '  Alpine:        apk add cmake g++ make\n' +
      '  macOS:         xcode-select --install && brew install cmake\n' +
      '  Windows:       Visual Studio Build Tools with "Desktop development with C++", and CMake'
  );
  process.exit(result.status === null ? 1 : result.status);
}
