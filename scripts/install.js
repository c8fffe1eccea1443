'use strict';
// Install step: use a prebuilt binary that really loads on this machine, otherwise compile with cmake-js.
// `npm install --build-from-source` (or HNSWKIT_BUILD_FROM_SOURCE=1) skips the prebuilt binaries and compiles.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const NAME = 'hnswkit';

function say(message) {
  console.log(`${NAME}: ${message}`);
}

/** npm sets npm_config_build_from_source to "true" for --build-from-source, or to a list of package names. */
function buildFromSourceRequested() {
  const flag = String(process.env.npm_config_build_from_source || '').trim();
  const own = String(process.env.HNSWKIT_BUILD_FROM_SOURCE || '').trim();
  if (own === '1' || own === 'true') return true;
  if (flag === 'true' || flag === '1') return true;
  return flag.split(',').map((s) => s.trim()).includes(NAME);
}

/** What node-gyp-build looks for, e.g. "linux-x64 (glibc)". */
function platformTag() {
  const libc = os.platform() === 'linux' ? (fs.existsSync('/etc/alpine-release') ? ' (musl)' : ' (glibc)') : '';
  return `${os.platform()}-${os.arch()}${libc}`;
}

function firstLine(err) {
  return String(err && err.message ? err.message : err).split('\n')[0];
}

/** The prebuilt binaries this package ships, e.g. "linux-arm64 (glibc), linux-x64 (glibc)". */
function shippedPrebuilds() {
  const dir = path.join(root, 'prebuilds');
  const found = [];
  for (const target of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (!fs.statSync(path.join(dir, target)).isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(dir, target))) {
      if (!file.endsWith('.node')) continue;
      const libc = file.split('.').find((tag) => tag === 'glibc' || tag === 'musl');
      found.push(libc ? `${target} (${libc})` : target);
    }
  }
  return found.length > 0 ? found.join(', ') : 'none';
}

/** Finds and loads the binary node-gyp-build would pick: a real dlopen catches a wrong architecture or libc. */
function tryPrebuilt() {
  let file;
  try {
    file = require('node-gyp-build').resolve(root);
  } catch {
    return { ok: false, reason: `no prebuilt binary for ${platformTag()} (shipped: ${shippedPrebuilds()})` };
  }
  try {
    const binding = require(file);
    const simd = typeof binding.simdLevel === 'function' ? binding.simdLevel() : 'unknown';
    return { ok: true, file, simd };
  } catch (err) {
    return { ok: false, reason: `${path.relative(root, file)} does not load here: ${firstLine(err)}` };
  }
}

function onPath(program) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The build tools cmake-js will need that are missing. Windows is left to cmake-js (it finds Visual Studio). */
function missingTools() {
  if (os.platform() === 'win32') return [];
  const missing = [];
  if (!onPath('cmake')) missing.push('CMake 3.15 or newer');
  const cxx = process.env.CXX ? process.env.CXX.split(' ')[0] : '';
  const hasCompiler = cxx ? path.isAbsolute(cxx) || onPath(cxx) : ['c++', 'g++', 'clang++'].some(onPath);
  if (!hasCompiler) {
    missing.push('a C++17 compiler');
  } else if (os.platform() === 'darwin' && !cxx && spawnSync('xcode-select', ['-p']).status !== 0) {
    missing.push('the Xcode Command Line Tools');
  }
  return missing;
}

const HOW_TO_INSTALL =
  '  Debian/Ubuntu: apt-get install cmake g++\n' +
  '  Alpine:        apk add cmake g++ make\n' +
  '  Fedora/RHEL:   dnf install cmake gcc-c++\n' +
  '  macOS:         xcode-select --install, then brew install cmake\n' +
  '  Windows:       Visual Studio Build Tools with "Desktop development with C++" (it includes CMake)\n' +
  'then run `npm rebuild hnswkit`.';

if (buildFromSourceRequested()) {
  say('building from source as requested (--build-from-source)');
} else {
  const found = tryPrebuilt();
  if (found.ok) {
    const rel = path.relative(root, found.file);
    const what = rel.startsWith('prebuilds') ? 'prebuilt binary' : 'existing build';
    say(`using ${what} ${rel.split(path.sep).join('/')} (SIMD kernels: ${found.simd})`);
    process.exit(0);
  }
  say(`${found.reason}; compiling from source with cmake-js`);
}

const missing = missingTools();
if (missing.length > 0) {
  console.error(
    `${NAME}: cannot compile the native addon for ${platformTag()}: ${missing.join(' and ')} not found on PATH.\n` +
      `Install the build tools:\n${HOW_TO_INSTALL}`
  );
  process.exit(1);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const result = spawnSync(process.execPath, [cmakeJs, 'rebuild'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    `${NAME}: compiling the native addon failed (output above). It needs CMake 3.15 or newer and a C++17 compiler:\n` +
      HOW_TO_INSTALL
  );
  process.exit(result.status === null ? 1 : result.status);
}
say(`compiled ${path.join('build', 'Release', `${NAME}.node`)}`);
