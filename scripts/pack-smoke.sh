#!/bin/sh
# pack-install-smoke: checks the package the way a user meets it. Packs this checkout with `npm pack` (using the
# binaries already in prebuilds/: run `npm run prebuilds` first), checks the tarball's file list, installs it into a
# fresh temporary project with a PATH that holds node, npm and sh and no compiler, CMake or make, and runs
# test/smoke/ there: CommonJS, ESM (default and named imports), and TypeScript type-checked and compiled with
# module: nodenext. Then, on linux-x64:
#   - the x64 prebuild again under qemu-x86_64-static -cpu qemu64 (plain x86-64: proves the baseline build, "sse"
#     kernels) and -cpu Haswell ("avx2");
#   - the arm64 prebuild under qemu-aarch64-static with an arm64 Node unpacked into a private sysroot (Debian's
#     nodejs:arm64 .debs; see scripts/packaging-lib.sh), expecting the "neon" or "neondot" kernels;
#   - with the prebuilds hidden and no compiler, the install script fails and says what to install;
#   - `npm rebuild hnswkit --build-from-source` compiles from the shipped sources, and the result runs.
# Needs qemu-user-static on Debian (scripts/setup.sh installs it). Exits non-zero on the first failed check.
#
# Usage: sh scripts/pack-smoke.sh [--no-arm64] [--no-source-build] [--keep]     (npm run pack:smoke)
#   --no-arm64         skip the arm64 emulation (and do not require prebuilds/linux-arm64)
#   --no-source-build  skip the compile from the tarball's sources (about half the run time)
#   --keep             keep the temporary folder (tarball, consumer project, logs) and print its path
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=pack-smoke
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

arm64=1
source_build=1
keep=0
for arg in "$@"; do
  case "$arg" in
    --no-arm64) arm64=0 ;;
    --no-source-build) source_build=0 ;;
    --keep) keep=1 ;;
    *) die "unknown option $arg (see the comment at the top of scripts/pack-smoke.sh)" ;;
  esac
done

started=$(date +%s)
checks=0
passed() {
  checks=$((checks + 1))
  say "ok: $*"
}

platform=$(node -p 'process.platform')
host_arch=$(node -p 'process.arch')
host="$platform-$host_arch"
if [ "$platform" = linux ]; then
  if [ -f /etc/alpine-release ]; then libc_tag=.musl; else libc_tag=.glibc; fi
else
  libc_tag=""
fi
host_prebuild="prebuilds/$host/hnswkit$libc_tag.node"
emulation=0
if [ "$host" = linux-x64 ] && command -v apt-get >/dev/null 2>&1; then
  emulation=1
else
  arm64=0
fi

[ -f "$host_prebuild" ] || die "$host_prebuild is missing: run \`npm run prebuilds\` first"
if [ "$arm64" -eq 1 ] && [ ! -f prebuilds/linux-arm64/hnswkit.glibc.node ]; then
  die "prebuilds/linux-arm64/hnswkit.glibc.node is missing: run \`npm run prebuilds\` first (or pass --no-arm64)"
fi
if [ "$emulation" -eq 1 ]; then
  need qemu-x86_64-static qemu-user-static
  [ "$arm64" -eq 0 ] || need qemu-aarch64-static qemu-user-static
  [ "$arm64" -eq 0 ] || ensure_arm64_sysroot
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hnswkit-pack-smoke.XXXXXX")
cleanup() {
  if [ "$keep" -eq 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# as_user (scripts/packaging-lib.sh) also passes npm's registry settings: the tarball's installs use the
# registry this machine is set up for.
AS_USER_PASS="npm_config_registry npm_config_cafile"

# ---- the tarball ---------------------------------------------------------------------------------------------
say "building dist/ (npm run build:ts)"
npm run --silent build:ts
for js in $(find dist -name '*.js' | sort); do
  source_file="lib/${js#dist/}"
  [ -f "${source_file%.js}.ts" ] || die "$js has no source in lib/ (stale build output): rm -rf dist and rebuild"
done
passed "dist/ built from lib/, nothing stale"

npm pack --ignore-scripts --json --pack-destination "$work" >"$work/pack.json"
tarball=$(node -e '
const [pack] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const fs = require("fs");
fs.writeFileSync(process.argv[2], pack.files.map((f) => f.path).sort().join("\n") + "\n");
console.log(pack.filename);
' "$work/pack.json" "$work/files.txt")
tarball="$work/$tarball"
size=$(wc -c <"$tarball" | tr -d ' ')
count=$(wc -l <"$work/files.txt" | tr -d ' ')
say "$(basename "$tarball"): $size bytes, $count files"

required="package.json README.md LICENSE dist/index.js dist/index.d.ts dist/sources.json.gz scripts/install.js
$host_prebuild"
[ "$arm64" -eq 0 ] || required="$required prebuilds/linux-arm64/hnswkit.glibc.node"
for path in $required; do
  grep -qx "$path" "$work/files.txt" || die "the tarball lacks $path"
done
# Nothing a user does not need, and no build/ folder: node-gyp-build would load it before the prebuilds.
# The C++ sources ship gzipped in dist/sources.json.gz (scripts/pack-sources.js), never as loose files.
unwanted=$(grep -Ev '^(package\.json|README\.md|LICENSE|scripts/install\.js|dist/.+\.(js|d\.ts)|dist/sources\.json\.gz|prebuilds/[^/]+/[^/]+\.node)$' "$work/files.txt" || true)
[ -z "$unwanted" ] || die "the tarball holds files a user does not need:
$unwanted"
node -e '
const { files } = JSON.parse(require("zlib").gunzipSync(require("fs").readFileSync(process.argv[1])));
for (const need of ["CMakeLists.txt", "binding/addon.cc", "deps/hnswkit/space/dispatch.cc"]) {
  if (typeof files[need] !== "string") throw new Error(`dist/sources.json.gz lacks ${need}`);
}' "$ROOT/dist/sources.json.gz" || die "dist/sources.json.gz does not hold the sources a compile needs"
passed "tarball holds exactly dist/ (with the C++ sources gzipped), prebuilds/, scripts/install.js, README, LICENSE"

# ---- a fresh project, no compiler on PATH --------------------------------------------------------------------
consumer="$work/consumer"
bin="$work/bin"
mkdir -p "$consumer" "$bin"
for tool in node npm npx sh; do
  ln -s "$(command -v "$tool")" "$bin/$tool"
done
for tool in cc c++ gcc g++ clang clang++ cmake make ninja; do
  if as_user "$bin" sh -c "command -v $tool" >/dev/null 2>&1; then die "$tool is reachable on the restricted PATH"; fi
done
cp test/smoke/exercise.cjs test/smoke/smoke.cjs test/smoke/smoke.mjs test/smoke/smoke-types.cts \
  test/smoke/smoke-types.mts test/smoke/tsconfig.json "$consumer/"
printf '{\n  "name": "hnswkit-smoke-consumer",\n  "version": "1.0.0",\n  "private": true\n}\n' >"$consumer/package.json"

ts_version=$(node -p 'require("./node_modules/typescript-7/package.json").version')
types_version=$(node -p 'require("./node_modules/@types/node/package.json").version')
say "installing the tarball (and typescript@$ts_version, @types/node@$types_version) with PATH holding only node, npm, sh"
install_started=$(date +%s)
if ! (cd "$consumer" && as_user "$bin" npm install --foreground-scripts --no-audit --no-fund --prefer-offline \
  "$tarball" "typescript@$ts_version" "@types/node@$types_version") >"$work/install.log" 2>&1; then
  cat "$work/install.log"
  die "npm install of the tarball failed"
fi
grep -E '^hnswkit: ' "$work/install.log" | sed 's/^/  /'
grep -q "^hnswkit: using prebuilt binary $host_prebuild " "$work/install.log" ||
  die "the install script did not report using $host_prebuild (log: $work/install.log)"
[ ! -e "$consumer/node_modules/hnswkit/build" ] || die "the install created node_modules/hnswkit/build"
passed "npm install used $host_prebuild without a compiler ($(($(date +%s) - install_started)) s)"

case "$host_arch" in
  x64) host_simd=sse,avx2,avx512,avx512vnni ;;
  arm64) host_simd=neon,neondot ;;
  *) host_simd="" ;;
esac
run_smoke() {
  # run_smoke EXPECTED_BINARY EXPECTED_SIMD COMMAND...
  expect_binary=$1
  expect_simd=$2
  shift 2
  (cd "$consumer" && as_user "$bin" SMOKE_EXPECT_BINARY="$expect_binary" SMOKE_EXPECT_SIMD="$expect_simd" "$@")
}

run_smoke "$host_prebuild" "$host_simd" node smoke.cjs
passed "CommonJS require"
run_smoke "$host_prebuild" "$host_simd" node smoke.mjs
passed "ESM default and named imports"
(cd "$consumer" && as_user "$bin" node node_modules/typescript/bin/tsc -p tsconfig.json)
passed "TypeScript (module nodenext, strict, lib check on) type-checks the .cts and .mts files"
run_smoke "$host_prebuild" "$host_simd" node out/smoke-types.cjs
run_smoke "$host_prebuild" "$host_simd" node out/smoke-types.mjs
passed "the compiled TypeScript runs as CommonJS and as ESM"

# ---- emulated CPUs: the x64 baseline, and arm64 --------------------------------------------------------------
# qemu's TCG prints warnings about CPU features it does not emulate: keep stderr in a log, shown on failure.
emulated() {
  # emulated LOG EXPECTED_BINARY EXPECTED_SIMD COMMAND...
  log=$1
  shift
  run_smoke "$@" 2>"$log" || {
    cat "$log" >&2
    die "failed under emulation: $3 $4 $5"
  }
}
if [ "$emulation" -eq 1 ]; then
  node_bin=$(command -v node)
  qemu_x64=$(command -v qemu-x86_64-static)
  emulated "$work/qemu64.log" "$host_prebuild" sse "$qemu_x64" -cpu qemu64 "$node_bin" smoke.cjs
  passed "x64 prebuild on a plain x86-64 CPU (qemu64): no instruction beyond the baseline, sse kernels"
  emulated "$work/haswell.log" "$host_prebuild" avx2 "$qemu_x64" -cpu Haswell "$node_bin" smoke.cjs
  passed "x64 prebuild on a Haswell CPU: avx2 kernels"
fi
if [ "$arm64" -eq 1 ]; then
  qemu_arm64=$(command -v qemu-aarch64-static)
  for script in smoke.cjs smoke.mjs; do
    emulated "$work/arm64.log" prebuilds/linux-arm64/hnswkit.glibc.node neon,neondot \
      "$qemu_arm64" -L "$ARM64_SYSROOT" "$ARM64_SYSROOT/usr/bin/node" "$script"
  done
  passed "arm64 prebuild under qemu-aarch64-static with Debian's arm64 Node, CommonJS and ESM: neon or neondot kernels"
fi

# ---- no prebuild for this machine and no compiler: a clear error ---------------------------------------------
installed="$consumer/node_modules/hnswkit"
mv "$installed/prebuilds" "$installed/prebuilds.hidden"
rc=0
(cd "$consumer" && as_user "$bin" npm rebuild hnswkit --foreground-scripts) >"$work/no-compiler.log" 2>&1 || rc=$?
mv "$installed/prebuilds.hidden" "$installed/prebuilds"
if [ "$rc" -eq 0 ] || ! grep -q 'apt-get install cmake g++' "$work/no-compiler.log" ||
  ! grep -q "no prebuilt binary for $host" "$work/no-compiler.log"; then
  cat "$work/no-compiler.log"
  die "without prebuilds and compiler, npm rebuild should fail and say what to install (exit status $rc)"
fi
grep -E '^hnswkit: ' "$work/no-compiler.log" | sed 's/^/  /'
passed "no prebuild and no compiler: the install fails and names the packages to install"

# ---- --build-from-source: compile the shipped sources --------------------------------------------------------
if [ "$source_build" -eq 1 ]; then
  say "npm rebuild hnswkit --build-from-source (compiles the tarball's C++ sources)"
  source_started=$(date +%s)
  if ! (cd "$consumer" && as_user "$PATH" npm rebuild hnswkit --build-from-source --foreground-scripts) \
    >"$work/from-source.log" 2>&1; then
    cat "$work/from-source.log"
    die "the build from the tarball's sources failed"
  fi
  grep -q '^hnswkit: building from source as requested' "$work/from-source.log" ||
    die "--build-from-source did not reach the install script as a source build (log: $work/from-source.log)"
  run_smoke build/Release/hnswkit.node "$host_simd" node smoke.cjs
  passed "--build-from-source compiled the shipped sources and the result runs ($(($(date +%s) - source_started)) s)"
fi

say "all $checks checks passed in $(($(date +%s) - started)) s; $(basename "$tarball") is $size bytes with $count files"
