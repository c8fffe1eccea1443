#!/bin/sh
# Registry install test: installs hnswkit the way users do, from a registry, with the package managers and runtimes
# they use. Starts a private npm registry (verdaccio) on 127.0.0.1 that serves hnswkit from its own storage and
# passes every other package through from https://registry.npmjs.org/, publishes this checkout there (dist/ built
# from lib/, prebuilds/ as they are), and then, in fresh projects under a temporary folder, with a PATH that holds
# node, npm and sh but no compiler, CMake or make:
#   npm         `npm install hnswkit`, then test/smoke/ from CommonJS and ESM; the project holds at most 2 packages
#               (hnswkit, node-gyp-build) and node_modules stays under 2 MB
#   langchain   `npm install hnswlib-node@npm:hnswkit @langchain/community@V @langchain/core@V` (no flags, no
#               overrides), then test/registry/langchain-hnswlib.mjs drives LangChain's HNSWLib store on it
#   offline     in that project, a source build with the registry unreachable fails and names
#               `npm rebuild hnswlib-node` (needs cmake and g++, else skipped)
#   pnpm 10     `pnpm add hnswkit`: pnpm holds the install script back; the prebuilt binary loads without it
#   pnpm 12     the same with the newest pnpm, which fails an add whose install scripts it held back (exit 1,
#               ERR_PNPM_IGNORED_BUILDS) although the package is in place: hnswkit must still load, and
#               `pnpm add hnswkit --allow-build=hnswkit` must succeed
#   ignore      `npm install --ignore-scripts hnswkit`, then test/smoke/
#   bun         `bun add hnswkit`, then test/smoke/ under `bun run`; and, from this checkout, the Bun cases of
#               test/workers.test.ts (HNSWKIT_BUN set to that bun): a terminated worker's batch rows stop
#   deno        `deno install` of a package.json naming hnswkit, then test/smoke/ under `deno run -A`
# One line per case, then "N passed, N failed" (", N skipped" when a tool could not be installed). The tools are
# installed with npm, at the pinned versions below, into build-registry/ (git-ignored) and kept between runs, as are
# verdaccio's copies of the packages it passed through. Exits non-zero if a case failed.
#
# Usage: sh scripts/test-registry.sh [--keep]     (npm run test:registry)
#   --keep   keep the temporary folder (tarball, projects, logs) and print its path
set -u

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=test-registry
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

# verdaccio 6.8.0 is the newest release that supports Node.js 20 (6.9 and later ask for 22).
VERDACCIO_VERSION=6.8.0
PNPM10_VERSION=10.34.8
PNPM_LATEST_VERSION=12.26.0
BUN_VERSION=1.4.5
DENO_VERSION=2.9.6
# Named with versions: without one for @langchain/core, npm 11.19 picks @langchain/core 0.3.80 (the newest that a
# peerOptional range of @langchain/community's optional peer @getzep/zep-cloud allows) and then stops with ERESOLVE on
# @langchain/community's own peer range ^1.1.38, with the original hnswlib-node as much as with hnswkit.
LANGCHAIN_COMMUNITY_VERSION=1.1.29
LANGCHAIN_CORE_VERSION=1.4.0
UPSTREAM=https://registry.npmjs.org/
MAX_PACKAGES=2
# The light install's bound: the bytes of every installed file (2 MB; what blocks they take on disk depends on the
# file system).
MAX_INSTALLED_BYTES=2000000

keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    *) die "unknown option $arg (see the comment at the top of scripts/test-registry.sh)" ;;
  esac
done

started=$(date +%s)
passed=0
failed=0
skipped=0
pass() {
  passed=$((passed + 1))
  echo "pass: $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}
skip() {
  skipped=$((skipped + 1))
  echo "skip: $*"
}
finish() {
  say "$(($(date +%s) - started)) s"
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
  exit $?
}

CACHE="$ROOT/build-registry"
mkdir -p "$CACHE"
work=$(mktemp -d "${TMPDIR:-/tmp}/hnswkit-registry.XXXXXX")
verdaccio_pid=""
cleanup() {
  if [ -n "$verdaccio_pid" ]; then kill "$verdaccio_pid" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# tool NAME PACKAGE@VERSION: installs one tool with npm into build-registry/tools/NAME (once; a stamp records the
# version) and prints that folder. Install scripts run: bun's and deno's copy the binary out of their platform
# package (@oven/bun-linux-x64, @deno/linux-x64-glibc), which the registry serves like any package.
tool() {
  dir="$CACHE/tools/$1"
  if [ "$(cat "$dir/.installed" 2>/dev/null)" != "$2" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '{ "name": "hnswkit-registry-tool-%s", "private": true }\n' "$1" >"$dir/package.json"
    if ! (cd "$dir" && as_user "$PATH" npm install --no-audit --no-fund --no-package-lock "$2") >"$work/tool-$1.log" 2>&1; then
      return 1
    fi
    echo "$2" >"$dir/.installed"
  fi
  echo "$dir"
}

# ---- tools, the package, the registry --------------------------------------------------------------------------
say "installing or reusing the tools in build-registry/tools"
verdaccio_dir=$(tool verdaccio "verdaccio@$VERDACCIO_VERSION") ||
  { cat "$work/tool-verdaccio.log"; fail "installing verdaccio@$VERDACCIO_VERSION"; finish; }

say "building dist/ and packing"
npm run --silent build:ts || { fail "npm run build:ts"; finish; }
npm pack --ignore-scripts --json --pack-destination "$work" >"$work/pack.json" || { fail "npm pack"; finish; }
tarball="$work/$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename' "$work/pack.json")"
version=$(node -p 'require("./package.json").version')
say "$(basename "$tarball"): $(wc -c <"$tarball" | tr -d ' ') bytes, unpacked $(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].unpackedSize' "$work/pack.json") bytes"

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
registry="http://127.0.0.1:$port/"
storage="$CACHE/verdaccio-storage"
rm -rf "$storage/hnswkit" # published afresh on every run; the passed-through packages stay cached
mkdir -p "$storage"
cat >"$work/verdaccio.yaml" <<EOF
# hnswkit is served from local storage only and anyone may publish it; every other package comes from upstream.
storage: $storage
auth:
  htpasswd:
    file: $work/htpasswd
    max_users: -1
uplinks:
  npmjs:
    url: $UPSTREAM
    timeout: 60s
    maxage: 30m
packages:
  'hnswkit':
    access: \$all
    publish: \$all
    unpublish: \$all
  '**':
    access: \$all
    publish: \$authenticated
    proxy: npmjs
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
EOF
# verdaccio is a Node program: where npm reaches the registry through a certificate authority of its own (npm's
# cafile setting), verdaccio needs the same one, or every package it passes through is "not found".
npm_cafile=$(npm config get cafile 2>/dev/null || true)
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -n "$npm_cafile" ] && [ "$npm_cafile" != null ] && [ -f "$npm_cafile" ]; then
  export NODE_EXTRA_CA_CERTS="$npm_cafile"
fi
"$verdaccio_dir/node_modules/.bin/verdaccio" --config "$work/verdaccio.yaml" --listen "127.0.0.1:$port" \
  >"$work/verdaccio.log" 2>&1 &
verdaccio_pid=$!
up=0
for _ in $(seq 1 60); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "${registry}-/ping"; then
    up=1 && break
  fi
  kill -0 "$verdaccio_pid" 2>/dev/null || break
  sleep 0.5
done
if [ "$up" -ne 1 ]; then
  cat "$work/verdaccio.log"
  fail "verdaccio $VERDACCIO_VERSION did not answer on $registry"
  finish
fi
say "verdaccio $VERDACCIO_VERSION on $registry (pid $verdaccio_pid), passing other packages through from $UPSTREAM"

# Anyone may publish hnswkit here; npm still wants a token for the registry before it sends, so give it one.
if as_user "$PATH" npm publish "$tarball" --registry "$registry" "--//127.0.0.1:$port/:_authToken=local-test" \
  --ignore-scripts >"$work/publish.log" 2>&1; then
  pass "publish: hnswkit@$version published to the local registry"
else
  cat "$work/publish.log"
  fail "publish: npm publish to the local registry"
  finish
fi

# ---- the restricted PATH and the projects ----------------------------------------------------------------------
bin="$work/bin"
mkdir -p "$bin"
for program in node npm npx sh; do
  ln -s "$(command -v "$program")" "$bin/$program"
done
for program in cc c++ gcc g++ clang clang++ cmake make ninja; do
  if as_user "$bin" sh -c "command -v $program" >/dev/null 2>&1; then die "$program is reachable on the restricted PATH"; fi
done
host="$(node -p 'process.platform')-$(node -p 'process.arch')"
if [ -f /etc/alpine-release ]; then libc_tag=.musl; elif [ "${host%%-*}" = linux ]; then libc_tag=.glibc; else libc_tag=""; fi
host_prebuild="prebuilds/$host/hnswkit$libc_tag.node"
[ -f "$host_prebuild" ] || die "$host_prebuild is missing: run \`npm run prebuilds\` first"

# project NAME: a fresh project folder holding the smoke test files; prints its path.
project() {
  dir="$work/$1"
  mkdir -p "$dir"
  printf '{\n  "name": "registry-%s",\n  "version": "1.0.0",\n  "private": true\n}\n' "$1" >"$dir/package.json"
  cp test/smoke/exercise.cjs test/smoke/smoke.cjs test/smoke/smoke.mjs "$dir/"
  echo "$dir"
}

# smoke DIR LOG COMMAND...: runs a smoke file in DIR with the restricted PATH, expecting the prebuilt binary.
smoke() {
  smoke_dir=$1
  smoke_log=$2
  shift 2
  (cd "$smoke_dir" && as_user "$bin" SMOKE_EXPECT_BINARY="$host_prebuild" "$@") >>"$smoke_log" 2>&1
}

# installed_by_script LOG: whether hnswkit's install script ran (it reports the binary it picked).
installed_by_script() {
  grep -q "^hnswkit: using prebuilt binary $host_prebuild " "$1"
}

# ---- npm install hnswkit: smoke, package count, size -----------------------------------------------------------
dir=$(project npm)
log="$work/npm.log"
if (cd "$dir" && as_user "$bin" npm install --registry "$registry" --foreground-scripts hnswkit) >"$log" 2>&1 &&
  installed_by_script "$log" && smoke "$dir" "$log" node smoke.cjs && smoke "$dir" "$log" node smoke.mjs; then
  pass "npm install hnswkit: the install script picked $host_prebuild; smoke test from CommonJS and ESM"
else
  cat "$log"
  fail "npm install hnswkit"
fi
if [ -d "$dir/node_modules/hnswkit" ]; then
  packages=$(cd "$dir" && as_user "$bin" npm ls --all --parseable 2>/dev/null | tail -n +2 | sed 's|.*/node_modules/||' | sort)
  count=$(echo "$packages" | grep -c .)
  kb=$(du -sk "$dir/node_modules" | cut -f1)
  bytes=$(du -sb "$dir/node_modules" | cut -f1)
  if [ "$count" -le "$MAX_PACKAGES" ] && [ "$bytes" -lt "$MAX_INSTALLED_BYTES" ]; then
    pass "light install: $count packages ($(echo "$packages" | tr '\n' ' ' | sed 's/ $//')), node_modules $kb KiB on disk ($bytes bytes)"
  else
    fail "light install: $count packages ($(echo "$packages" | tr '\n' ' ')), node_modules $bytes bytes ($kb KiB on disk); at most $MAX_PACKAGES and under $MAX_INSTALLED_BYTES bytes"
  fi
else
  fail "light install: nothing installed to measure"
fi

# ---- LangChain's HNSWLib store on hnswkit installed as hnswlib-node ---------------------------------------------
dir=$(project langchain)
cp test/registry/langchain-hnswlib.mjs "$dir/"
log="$work/langchain.log"
lc_started=$(date +%s)
if (cd "$dir" && as_user "$bin" npm install --registry "$registry" hnswlib-node@npm:hnswkit \
  "@langchain/community@$LANGCHAIN_COMMUNITY_VERSION" "@langchain/core@$LANGCHAIN_CORE_VERSION" && as_user "$bin" npm ls --registry "$registry" hnswlib-node @langchain/community) >"$log" 2>&1 &&
  (cd "$dir" && as_user "$bin" node langchain-hnswlib.mjs) >>"$log" 2>&1; then
  pass "$(grep '^langchain: ok' "$log" | sed 's/^langchain: ok, //') ($(($(date +%s) - lc_started)) s)"
else
  cat "$log"
  fail "npm install hnswlib-node@npm:hnswkit @langchain/community @langchain/core, then HNSWLib"
fi

# ---- offline: the fallback compile cannot fetch its tools and says what to run -------------------------------------
if ! command -v cmake >/dev/null 2>&1 || ! command -v c++ >/dev/null 2>&1; then
  skip "offline rebuild message: needs cmake and c++ on PATH to get as far as fetching the build tools"
elif [ -d "$dir/node_modules/hnswlib-node" ]; then
  log="$work/offline.log"
  mkdir -p "$work/empty-npm-cache"
  rc=0
  (cd "$dir" && as_user "$PATH" npm_config_cache="$work/empty-npm-cache" npm_config_fetch_retries=0 \
    HNSWKIT_BUILD_FROM_SOURCE=1 npm rebuild hnswlib-node --foreground-scripts --registry http://127.0.0.1:9/) \
    >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && grep -q '^  npm rebuild hnswlib-node$' "$log" &&
    grep -q '^hnswkit: could not fetch the build tools' "$log" && [ ! -e "$dir/node_modules/hnswlib-node/build" ]; then
    pass "offline rebuild of the alias: fails with \`npm rebuild hnswlib-node\` as the command to run"
  else
    cat "$log"
    fail "offline rebuild of the alias should fail and name \`npm rebuild hnswlib-node\` (exit status $rc)"
  fi
else
  fail "offline rebuild message: the langchain project has no node_modules/hnswlib-node"
fi

# ---- pnpm ------------------------------------------------------------------------------------------------------
# pnpm_case NAME VERSION
pnpm_case() {
  if ! pnpm_dir=$(tool "pnpm-$2" "pnpm@$2"); then
    skip "pnpm $2: could not install it from the registry ($(tail -n 1 "$work/tool-pnpm-$2.log"))"
    return
  fi
  pnpm="$pnpm_dir/node_modules/.bin/pnpm"
  dir=$(project "$1")
  log="$work/$1.log"
  rc=0
  (cd "$dir" && as_user "$bin" "$pnpm" add --registry "$registry" hnswkit) >"$log" 2>&1 || rc=$?
  if installed_by_script "$log"; then
    cat "$log"
    fail "pnpm $2: the install script ran, but pnpm holds install scripts of dependencies back by default"
    return
  fi
  if ! smoke "$dir" "$log" node smoke.cjs || ! smoke "$dir" "$log" node smoke.mjs; then
    cat "$log"
    fail "pnpm $2: pnpm add hnswkit (exit status $rc), then the smoke test"
    return
  fi
  if [ "$rc" -eq 0 ]; then
    pass "pnpm $2: pnpm add hnswkit held the install script back and the prebuilt binary loads without it"
    return
  fi
  if ! grep -q ERR_PNPM_IGNORED_BUILDS "$log"; then
    cat "$log"
    fail "pnpm $2: pnpm add hnswkit exited with $rc"
    return
  fi
  rc=0
  (cd "$dir" && as_user "$bin" "$pnpm" add --registry "$registry" --allow-build=hnswkit hnswkit) >>"$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && smoke "$dir" "$log" node smoke.cjs; then
    pass "pnpm $2: pnpm add hnswkit exits 1 (ERR_PNPM_IGNORED_BUILDS) yet hnswkit is in place and loads; with --allow-build=hnswkit it exits 0"
  else
    cat "$log"
    fail "pnpm $2: pnpm add --allow-build=hnswkit hnswkit (exit status $rc)"
  fi
}
pnpm_case pnpm10 "$PNPM10_VERSION"
pnpm_case pnpm-latest "$PNPM_LATEST_VERSION"

# ---- npm install --ignore-scripts ------------------------------------------------------------------------------
dir=$(project ignore-scripts)
log="$work/ignore-scripts.log"
if (cd "$dir" && as_user "$bin" npm install --registry "$registry" --ignore-scripts hnswkit) >"$log" 2>&1 &&
  ! installed_by_script "$log" && smoke "$dir" "$log" node smoke.cjs && smoke "$dir" "$log" node smoke.mjs; then
  pass "npm install --ignore-scripts hnswkit: no install script, the prebuilt binary loads; smoke test from CommonJS and ESM"
else
  cat "$log"
  fail "npm install --ignore-scripts hnswkit"
fi

# ---- Bun -------------------------------------------------------------------------------------------------------
if bun_dir=$(tool bun "bun@$BUN_VERSION") && "$bun_dir/node_modules/.bin/bun" --version >/dev/null 2>&1; then
  bun="$bun_dir/node_modules/.bin/bun"
  dir=$(project bun)
  log="$work/bun.log"
  # A cache of its own, so nothing an earlier run left in Bun's global cache (~/.bun) takes part.
  if (cd "$dir" && as_user "$bin" BUN_INSTALL_CACHE_DIR="$work/bun-cache" "$bun" add --registry "$registry" hnswkit) \
    >"$log" 2>&1 &&
    smoke "$dir" "$log" "$bun" run smoke.cjs && smoke "$dir" "$log" "$bun" run smoke.mjs; then
    pass "bun $BUN_VERSION: bun add hnswkit, then bun run of the smoke test from CommonJS and ESM"
  else
    cat "$log"
    fail "bun $BUN_VERSION: bun add hnswkit, then bun run smoke"
  fi
  # jest skips these cases without HNSWKIT_BUN, so require both to have run, not only a clean exit.
  log="$work/bun-workers.log"
  if HNSWKIT_BUN="$bun" npx jest test/workers.test.ts -t 'under Bun' >"$log" 2>&1 && grep -q 'Tests:.* 2 passed' "$log"; then
    pass "bun $BUN_VERSION: worker.terminate() stops addItems and searchKnnBatch rows ($(grep -o 'Bun [a-z]*: terminate() took [0-9]* ms, the process [0-9]* ms' "$log" | tr '\n' ';' | sed 's/;$//; s/;/; /g'))"
  else
    cat "$log"
    fail "bun $BUN_VERSION: HNSWKIT_BUN=$bun npx jest test/workers.test.ts -t 'under Bun'"
  fi
else
  skip "bun $BUN_VERSION: could not install it from the registry (build-registry/tools/bun)"
fi

# ---- Deno ------------------------------------------------------------------------------------------------------
# --minimum-dependency-age=0: Deno holds back versions published less than a day ago, as hnswkit is here.
if deno_dir=$(tool deno "deno@$DENO_VERSION") && "$deno_dir/node_modules/.bin/deno" --version >/dev/null 2>&1; then
  deno="$deno_dir/node_modules/.bin/deno"
  dir=$(project deno)
  printf '{\n  "name": "registry-deno",\n  "private": true,\n  "dependencies": { "hnswkit": "%s" }\n}\n' "$version" \
    >"$dir/package.json"
  log="$work/deno.log"
  if (cd "$dir" && as_user "$bin" DENO_DIR="$work/deno-dir" NPM_CONFIG_REGISTRY="$registry" \
    "$deno" install --minimum-dependency-age=0) >"$log" 2>&1 &&
    smoke "$dir" "$log" DENO_DIR="$work/deno-dir" "$deno" run -A smoke.mjs &&
    smoke "$dir" "$log" DENO_DIR="$work/deno-dir" "$deno" run -A smoke.cjs; then
    pass "deno $DENO_VERSION: deno install of a package.json naming hnswkit, then deno run -A of the smoke test from ESM and CommonJS"
  else
    cat "$log"
    fail "deno $DENO_VERSION: deno install, then deno run -A smoke"
  fi
else
  skip "deno $DENO_VERSION: could not install it from the registry (build-registry/tools/deno)"
fi

finish
