#!/bin/sh
# Gets a checkout ready for `npm run demo` and `npm test`: the Debian packages the demo and tests use
# (Fashion-MNIST, Python hnswlib and numpy for the interop tests, CMake and g++ for the addon), then the npm
# dependencies, the native addon compiled from these sources and the TypeScript build in dist/.
# Safe to run again: it only installs what is missing and rebuilds only when sources changed.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="dataset-fashion-mnist python3-hnswlib python3-numpy cmake g++"

say() {
  echo "setup: $*"
}

# ---- Debian packages --------------------------------------------------------------------------------------
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=""
  for pkg in $PACKAGES; do
    if ! dpkg-query -W -f '${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing="$missing $pkg"
    fi
  done
  if [ -z "$missing" ]; then
    say "Debian packages present:$(printf ' %s' $PACKAGES)"
  else
    if [ "$(id -u)" -eq 0 ]; then
      as_root=""
    elif command -v sudo >/dev/null 2>&1; then
      as_root="sudo"
    else
      as_root="none"
    fi
    if [ "$as_root" = "none" ]; then
      say "not root and no sudo: please install these Debian packages, then run this script again:"
      say "  apt-get update && apt-get install -y --no-install-recommends$missing"
    else
      say "installing Debian packages:$missing"
      $as_root env DEBIAN_FRONTEND=noninteractive apt-get update
      # $missing is a list of package names: split on purpose.
      # shellcheck disable=SC2086
      $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    fi
  fi
else
  say "no apt-get here; install by other means: Fashion-MNIST (for the demo and recall tests), Python 3 with"
  say "hnswlib and numpy at /usr/bin/python3 (for the interop tests), CMake >= 3.15 and a C++17 compiler"
fi

# ---- npm dependencies, native addon, dist/ ----------------------------------------------------------------
# Up to date when the last successful install (the stamp) is newer than the manifests, the addon newer than every
# C++ source and dist/ newer than every TypeScript source.
STAMP=node_modules/.hnswkit-setup-done
newer_than() {
  # Prints the first of the paths $2... that is newer than $1.
  ref="$1"
  shift
  find "$@" -type f -newer "$ref" 2>/dev/null | head -n 1
}

stale=""
if [ ! -f "$STAMP" ]; then
  stale="npm dependencies are not installed"
elif [ ! -f build/Release/hnswkit.node ]; then
  stale="the native addon is not built"
elif [ ! -f dist/index.js ]; then
  stale="dist/ is not built"
elif [ -n "$(newer_than "$STAMP" package.json package-lock.json)" ]; then
  stale="package.json or package-lock.json changed"
elif [ -n "$(newer_than build/Release/hnswkit.node CMakeLists.txt cmake binding deps/hnswkit)" ]; then
  stale="C++ sources changed"
elif [ -n "$(newer_than dist/index.js lib)" ]; then
  stale="TypeScript sources changed"
fi

if [ -z "$stale" ]; then
  say "npm dependencies, build/Release/hnswkit.node and dist/ are up to date"
else
  say "$stale: running npm install (compiles the addon with cmake-js, then builds dist/)"
  HNSWKIT_BUILD_FROM_SOURCE=1 npm install --no-audit --no-fund
  touch "$STAMP"
fi

say "done. Next: npm run demo, npm test"
