'use strict';
// Lets prebuildify build the addon with cmake-js. prebuildify has no cmake-js backend: it runs its "node-gyp" as
//   <this> rebuild --target=<node version> --devdir=<dir> --arch=<arch> --release|--debug
// and cmake-js would read --target as a CMake target. This translates the call into
//   cmake-js rebuild -d <package root> -O <cwd>/build --arch <arch> [--debug] [--CDCMAKE_TOOLCHAIN_FILE=...]
// The sources always come from the package holding this file, the build goes to ./build of the current directory
// (where prebuildify looks for build/Release/*.node), so scripts/prebuilds.sh can build in a scratch folder and leave
// the checkout's own build/ alone. A cross build (--arch other than this machine's, or a target platform other than
// this machine's in PREBUILD_PLATFORM, which prebuildify --platform sets) gets the toolchain file under cmake/ for
// that target; cmake-js's own --arch does not cross-compile on Linux.
//
// Usage: prebuildify --napi --strip --tag-libc --shell sh --node-gyp "node scripts/cmake-js-shim.js" [--arch arm64]
//        prebuildify --napi --strip --platform win32 --arch x64 --strip-bin x86_64-w64-mingw32-strip --shell sh \
//          --node-gyp "node scripts/cmake-js-shim.js"

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');

/** Toolchain files for cross builds, by host platform, then target "<platform>-<arch>" (Node's names). */
const TOOLCHAINS = {
  linux: {
    'linux-arm64': { file: 'aarch64-linux-gnu.cmake', compiler: 'aarch64-linux-gnu-g++', debian: 'g++-aarch64-linux-gnu' },
    'win32-x64': {
      file: 'mingw-w64-x86_64.cmake',
      compiler: 'x86_64-w64-mingw32-g++-posix',
      debian: 'g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64',
    },
  },
};

function fail(message) {
  console.error(`cmake-js-shim: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { command: null, arch: os.arch(), debug: false };
  for (const arg of argv) {
    const [key, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, ''];
    if (!arg.startsWith('-')) {
      if (opts.command) fail(`unexpected argument "${arg}"`);
      opts.command = arg;
    } else if (key === '--arch') {
      opts.arch = value;
    } else if (key === '--debug') {
      opts.debug = true;
    } else if (key === '--release') {
      opts.debug = false;
    } else if (key === '--target' || key === '--devdir' || key === '--build_v8_with_gn') {
      // The Node version and its header folder matter to node-gyp only: a Node-API build takes its headers from
      // the node-api-headers package (package.json binary.napi_versions) and runs on every Node version.
    } else {
      fail(`unsupported option "${arg}" (only rebuild --target --devdir --arch --release --debug are understood)`);
    }
  }
  if (opts.command !== 'rebuild') fail(`only "rebuild" is supported, got "${opts.command}"`);
  if (!opts.arch) fail('--arch needs a value');
  return opts;
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

function crossOptions(platform, arch) {
  const host = `${os.platform()}-${os.arch()}`;
  const target = `${platform}-${arch}`;
  if (target === host) return [];
  const toolchain = (TOOLCHAINS[os.platform()] || {})[target];
  if (!toolchain) {
    fail(`no cross build from ${host} to ${target} is set up; build on a ${target} machine`);
  }
  if (!onPath(toolchain.compiler)) {
    fail(`cross-compiling to ${target} needs ${toolchain.compiler} (Debian/Ubuntu: apt-get install ${toolchain.debian})`);
  }
  return [`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', toolchain.file)}`];
}

const opts = parseArgs(process.argv.slice(2));
const args = [
  require.resolve('cmake-js/bin/cmake-js', { paths: [root] }),
  'rebuild',
  '--directory',
  root,
  '--out',
  path.resolve('build'),
  '--arch',
  opts.arch,
  ...(opts.debug ? ['--debug'] : []),
  ...crossOptions(process.env.PREBUILD_PLATFORM || os.platform(), opts.arch),
];
console.log(`cmake-js-shim: cmake-js ${args.slice(1).join(' ')}`);
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.error) fail(result.error.message);
process.exit(result.status === null ? 1 : result.status);
