'use strict';
// Install step: use a prebuilt binary that really loads on this machine, otherwise compile with cmake-js.
// `npm install --build-from-source` (or HNSWKIT_BUILD_FROM_SOURCE=1) skips the prebuilt binaries and compiles.
//
// The build tools are not dependencies of the package, so an install that finds a fitting binary adds nothing but
// node-gyp-build. When a compile is needed, pinned versions of cmake-js and node-addon-api come from the npm
// registry at that moment, into a temporary folder that is removed afterwards; a checkout of this repository
// (devDependencies installed) uses its own copies and fetches nothing.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..');
const NAME = 'hnswkit';

/** Fetched for a compile; keep equal to the versions package-lock.json gives the devDependencies. */
const BUILD_TOOLS = { 'cmake-js': '8.0.0', 'node-addon-api': '8.9.2' };

function say(message) {
  console.log(`${NAME}: ${message}`);
}

/**
 * The name this package is installed under: the folder name, which differs from "hnswkit" under an alias
 * (`npm install hnswlib-node@npm:hnswkit` installs into node_modules/hnswlib-node). Outside node_modules (a
 * checkout) it is the name in package.json.
 */
function installedName() {
  const parent = path.dirname(root);
  if (path.basename(parent).startsWith('@') && path.basename(path.dirname(parent)) === 'node_modules') {
    return `${path.basename(parent)}/${path.basename(root)}`;
  }
  if (path.basename(parent) === 'node_modules') return path.basename(root);
  return NAME;
}

/** The command that runs this step again, for the package manager that runs it now. */
function rebuildCommand() {
  const agent = String(process.env.npm_config_user_agent || '');
  const manager = agent.startsWith('pnpm/') ? 'pnpm' : 'npm';
  return `${manager} rebuild ${installedName()}`;
}

/** npm sets npm_config_build_from_source to "true" for --build-from-source, or to a list of package names. */
function buildFromSourceRequested() {
  const flag = String(process.env.npm_config_build_from_source || '').trim();
  const own = String(process.env.HNSWKIT_BUILD_FROM_SOURCE || '').trim();
  if (own === '1' || own === 'true') return true;
  if (flag === 'true' || flag === '1') return true;
  const names = flag.split(',').map((s) => s.trim());
  return names.includes(NAME) || names.includes(installedName());
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
  `then run \`${rebuildCommand()}\`.`;

/** The version of an installed package, or null. */
function versionOf(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function major(version) {
  return Number(String(version).split('.')[0]);
}

/**
 * cmake-js and node-addon-api already reachable from the package root, as in a checkout with its devDependencies:
 * used when their major versions are the pinned ones (node-addon-api: the pinned one or newer).
 */
function localBuildTools() {
  let cmakeJsDir;
  let addonApiDir;
  try {
    cmakeJsDir = path.dirname(require.resolve('cmake-js/package.json', { paths: [root] }));
    addonApiDir = path.dirname(require.resolve('node-addon-api/package.json', { paths: [root] }));
  } catch {
    return null;
  }
  if (major(versionOf(cmakeJsDir)) !== major(BUILD_TOOLS['cmake-js'])) return null;
  if (!(major(versionOf(addonApiDir)) >= major(BUILD_TOOLS['node-addon-api']))) return null;
  return { cmakeJs: path.join(cmakeJsDir, 'bin', 'cmake-js'), extraArgs: [] };
}

/** How to run npm: the npm that runs this script if it is npm, else the one beside node, else the one on PATH. */
function npmCommand() {
  const execPath = process.env.npm_execpath || '';
  if (/npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) return [process.execPath, [execPath]];
  const besideNode = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].find((file) => fs.existsSync(file));
  if (besideNode) return [process.execPath, [besideNode]];
  return [os.platform() === 'win32' ? 'npm.cmd' : 'npm', []];
}

/**
 * The environment of the npm that fetches the build tools: the settings that say where and how to reach the
 * registry pass on (registry, proxies, certificates, cache, offline), the rest of npm's settings for the install
 * that runs this script (global, prefix, omit, build-from-source, ...) do not.
 */
function fetchEnvironment() {
  const keep = /^npm_config_(registry|.*:registry|userconfig|globalconfig|cache|offline|prefer_offline|prefer_online|proxy|https_proxy|http_proxy|noproxy|no_proxy|cafile|ca|cert|key|strict_ssl|fetch_.*|maxsockets|user_agent|loglevel)$/i;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || keep.test(key)) env[key] = value;
  }
  return env;
}

/** Installs the pinned build tools into a new temporary folder; returns how to run them, or null on failure. */
function fetchBuildTools() {
  const specs = Object.entries(BUILD_TOOLS).map(([name, version]) => `${name}@${version}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-build-tools-`));
  say(`fetching the build tools ${specs.join(' and ')} from the npm registry into ${dir}`);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `${NAME}-build-tools`, version: '0.0.0', private: true, dependencies: BUILD_TOOLS }, null, 2)
  );
  const [program, prefixArgs] = npmCommand();
  const result = spawnSync(
    program,
    [...prefixArgs, 'install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--omit=dev'],
    { cwd: dir, env: fetchEnvironment(), stdio: 'inherit', shell: program.endsWith('.cmd') }
  );
  const modules = path.join(dir, 'node_modules');
  const cmakeJs = path.join(modules, 'cmake-js', 'bin', 'cmake-js');
  if (result.status !== 0 || !fs.existsSync(cmakeJs)) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  // cmake-js 8 takes node-addon-api's folder from the package root's require() lookup, which cannot see this folder.
  // It passes user -D values (--CD...) after its own, and CMake keeps the last one, so name both header folders.
  const headers = require(path.join(modules, 'node-api-headers')).include_dir;
  const includes = [headers, path.join(modules, 'node-addon-api')].map((p) => p.split(path.sep).join('/'));
  return { cmakeJs, extraArgs: [`--CDCMAKE_JS_INC=${includes.join(';')}`], cleanup: dir };
}

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

/**
 * The sources a compile needs. A checkout has them; the package ships them gzipped (dist/sources.json.gz, written by
 * scripts/pack-sources.js), unpacked here into the package folder, each path checked to stay inside it.
 */
function unpackSources() {
  if (fs.existsSync(path.join(root, 'CMakeLists.txt'))) return true;
  const archive = path.join(root, 'dist', 'sources.json.gz');
  if (!fs.existsSync(archive)) return false;
  const { format, files } = JSON.parse(zlib.gunzipSync(fs.readFileSync(archive)).toString('utf8'));
  if (format !== 1 || typeof files !== 'object' || files === null) return false;
  for (const [rel, text] of Object.entries(files)) {
    const target = path.resolve(root, rel);
    if (!target.startsWith(root + path.sep) || typeof text !== 'string') return false;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  say(`unpacked ${Object.keys(files).length} source files from dist/sources.json.gz`);
  return true;
}

if (!unpackSources()) {
  console.error(`${NAME}: cannot compile: the package's sources (dist/sources.json.gz) are missing or damaged`);
  process.exit(1);
}

const tools = localBuildTools() || fetchBuildTools();
if (!tools) {
  console.error(
    `${NAME}: could not fetch the build tools (${Object.keys(BUILD_TOOLS).join(', ')}) from the npm registry ` +
      `(output above). When the registry can be reached, run:\n  ${rebuildCommand()}`
  );
  process.exit(1);
}
let result;
try {
  result = spawnSync(process.execPath, [tools.cmakeJs, 'rebuild', ...tools.extraArgs], { cwd: root, stdio: 'inherit' });
} finally {
  if (tools.cleanup) fs.rmSync(tools.cleanup, { recursive: true, force: true });
}
if (result.status !== 0) {
  console.error(
    `${NAME}: compiling the native addon failed (output above). It needs CMake 3.15 or newer and a C++17 compiler:\n` +
      HOW_TO_INSTALL
  );
  process.exit(result.status === null ? 1 : result.status);
}
say(`compiled ${path.join('build', 'Release', `${NAME}.node`)}`);
