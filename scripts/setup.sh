#!/bin/sh
# Gets a checkout ready for `npm run demo`, `npm test` and every other check .ci/run makes: the Debian packages
# they use (the list below is the only place that names them: the test scripts only check for what they need and
# say what to install), then the npm dependencies, the native addon compiled from these sources and the TypeScript
# build in dist/.
# Safe to run again: it only installs what is missing and rebuilds only when sources changed.
# Environment: HNSWKIT_WERROR=ON makes the addon's compile treat warnings as errors (CMakeLists.txt; CI sets it).
set -eu

cd "$(dirname "$0")/.."

# One package a line, and what needs it.
PACKAGES=$(sed -e 's/#.*//' <<'EOF'
dataset-fashion-mnist           # the demo and the recall tests (npm test)
python3-hnswlib                 # Python interop tests (npm test), the benchmarks' peer (npm run bench:ci)
python3-numpy                   # the same, with python3-hnswlib
cmake                           # the addon (npm install, cmake-js), the engine test, every scripts/*.sh build
ninja-build                     # the CMake generator the scripts and .ci/run use (-G Ninja)
g++                             # the addon, the engine test, and the sanitizer runtimes test-sanitize.sh and test-tsan.sh use
make                            # node-gyp's compile of the hnswlib-node devDependency (benchmarks' peer), with python3
file                            # prebuilds.sh: checks each binary's architecture
clang                           # fuzz.sh: clang++ with libFuzzer (HNSWKIT_BUILD_FUZZERS)
libclang-rt-14-dev              # fuzz.sh: libFuzzer's and the sanitizers' runtimes for clang 14
clang-format                    # scripts/check-format.sh (.clang-format)
qemu-user-static                # test-cpus.sh and pack-smoke.sh: emulated x86-64 CPUs and arm64
g++-aarch64-linux-gnu           # prebuilds.sh (linux-arm64) and test-cpus.sh (the engine test on arm64)
binutils-aarch64-linux-gnu      # prebuilds.sh: aarch64-linux-gnu-strip
g++-mingw-w64-x86-64-posix      # prebuilds.sh (win32-x64) and test-windows.sh (the engine test for Windows)
binutils-mingw-w64-x86-64       # prebuilds.sh and CMakeLists.txt: strip, objdump and dlltool for Windows
wine64                          # test-windows.sh: Node.js for Windows under wine
EOF
)

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
  say "hnswlib and numpy at /usr/bin/python3 (for the interop tests), CMake >= 3.15 and a C++17 compiler; the"
  say "other checks need what the list at the top of this script names, and say so when it is missing"
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
