#!/bin/sh
# Builds the prebuilt binaries that ship in prebuilds/, from the sources of this checkout:
#   prebuilds/linux-x64/hnswkit.glibc.node     compiled natively
#   prebuilds/linux-arm64/hnswkit.glibc.node   cross-compiled with Debian's g++-aarch64-linux-gnu
# Each is a Node-API binary (one file for Node 20 and later), stripped, tagged with its libc, and built for its
# architecture's baseline ISA (the engine picks SIMD kernels at run time). Before building it installs what is
# missing: the npm dependencies (npm install --ignore-scripts) and, on Debian, cmake, g++ and the cross compiler.
# Afterwards it checks each binary's architecture and the glibc/libstdc++ symbol versions it needs.
#
# prebuildify builds in a scratch folder (its --cwd, with scripts/cmake-js-shim.js sending cmake-js's output
# there), so this checkout's build/ stays as it was: build/Release/hnswkit.node, which the tests load, is neither
# moved nor rebuilt, and every prebuild starts from an empty CMake cache.
#
# Usage: sh scripts/prebuilds.sh            linux-x64 and linux-arm64 (on an x86-64 Linux machine); npm run prebuilds
#        sh scripts/prebuilds.sh --host     only this machine's platform and architecture (macOS, Alpine, ...)
#        sh scripts/prebuilds.sh ARCH...    only the named architectures (x64, arm64)
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=prebuilds
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

# The newest symbol versions a Linux prebuild may need, as the README states them (Supported platforms). Built on
# Debian 12 (glibc 2.36, GCC 12), the engine's threads, locks and condition variables bind to the pthread symbols
# glibc 2.34 moved into libc, and GCC 11+ headers to libstdc++ 3.4.29 / CXXABI 1.3.13: glibc 2.34 with GCC 11's
# libstdc++ (Debian 12, Ubuntu 22.04, RHEL 9, Amazon Linux 2023, Fedora 35). Linking libstdc++ statically does not
# lower this: its own objects then need glibc 2.35/2.36 (_dl_find_object, arc4random). A rise above these numbers
# fails the build, so it cannot happen unnoticed.
MAX_GLIBC=2.34
MAX_GLIBCXX=3.4.29
MAX_CXXABI=1.3.13

platform=$(node -p 'process.platform')
host_arch=$(node -p 'process.arch')

if [ $# -eq 0 ]; then
  if [ "$platform-$host_arch" = linux-x64 ]; then
    set -- x64 arm64
  else
    set -- "$host_arch"
  fi
elif [ "$1" = --host ]; then
  set -- "$host_arch"
fi

# ---- tools ---------------------------------------------------------------------------------------------------
if [ "$platform" = linux ] && command -v apt-get >/dev/null 2>&1; then
  debs="cmake g++"
  command -v ninja >/dev/null 2>&1 || command -v make >/dev/null 2>&1 || debs="$debs ninja-build"
  for arch in "$@"; do
    if [ "$arch" = arm64 ] && [ "$host_arch" != arm64 ]; then
      debs="$debs g++-aarch64-linux-gnu binutils-aarch64-linux-gnu"
    fi
  done
  # $debs is a list of package names: split on purpose.
  # shellcheck disable=SC2086
  ensure_debs $debs
fi
if [ ! -f node_modules/prebuildify/bin.js ] || [ ! -f node_modules/cmake-js/bin/cmake-js ] ||
  [ ! -d node_modules/node-api-headers ] || [ ! -d node_modules/node-addon-api ]; then
  # --ignore-scripts: the prebuilds are all this needs, so skip compiling the addon (and hnswlib-node) in the checkout.
  say "installing npm dependencies (npm install --ignore-scripts)"
  npm install --ignore-scripts --no-audit --no-fund
fi

# ---- build ---------------------------------------------------------------------------------------------------
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hnswkit-prebuilds.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
# prebuildify reads the package name (the file name of the prebuild) from --cwd's package.json.
cp package.json "$scratch/"

# The file name prebuildify gives the binary: the package name, plus the libc on Linux (--tag-libc), so a musl
# system skips a glibc binary and the other way round. Elsewhere there is no libc tag.
name=$(node -p 'require("./package.json").name.replace(/\//g, "+")')
libc_option=""
suffix=""
if [ "$platform" = linux ]; then
  libc_option=--tag-libc
  if [ -f /etc/alpine-release ]; then suffix=.musl; else suffix=.glibc; fi
fi

built=""
for arch in "$@"; do
  case "$arch" in
    x64 | arm64 | ia32 | arm) ;;
    *) die "unknown architecture \"$arch\" (use Node's names: x64, arm64)" ;;
  esac
  file="prebuilds/$platform-$arch/$name$suffix.node"
  set -- --napi --strip $libc_option --arch "$arch" --cwd "$scratch" --out "$ROOT" \
    --shell sh --node-gyp "node \"$ROOT/scripts/cmake-js-shim.js\""
  if [ "$platform" = linux ] && [ "$arch" = arm64 ] && [ "$host_arch" != arm64 ]; then
    set -- "$@" --strip-bin aarch64-linux-gnu-strip
  fi
  rm -f "$file"
  say "building $file"
  started=$(date +%s)
  node node_modules/prebuildify/bin.js "$@"
  [ -f "$file" ] || die "prebuildify did not write $file"
  say "built $file in $(($(date +%s) - started)) s"
  built="$built $file"
done

# ---- checks --------------------------------------------------------------------------------------------------
failed=0
for file in $built; do
  say "$file: $(wc -c <"$file" | tr -d ' ') bytes"
  [ "$platform" = linux ] || continue
  case "$file" in
    *-x64/*) want="x86-64" objdump_bin=objdump ;;
    *-arm64/*)
      want="ARM aarch64" objdump_bin=objdump
      [ "$host_arch" = arm64 ] || objdump_bin=aarch64-linux-gnu-objdump
      ;;
    *) want="" objdump_bin=objdump ;;
  esac
  description=$(file -b "$file" 2>/dev/null || true)
  if [ -n "$description" ] && [ -n "$want" ]; then
    say "  $description"
    case "$description" in
      *"$want"*stripped*) ;;
      *) echo "  expected a stripped $want ELF file" >&2; failed=1 ;;
    esac
  fi
  case "$file" in
    *.glibc.node) ;;
    *) continue ;;
  esac
  versions=$(OBJDUMP=$objdump_bin symbol_versions "$file")
  say "  needs $versions"
  for v in $versions; do
    case "$v" in
      GLIBC_*) limit=$MAX_GLIBC ;;
      GLIBCXX_*) limit=$MAX_GLIBCXX ;;
      CXXABI_*) limit=$MAX_CXXABI ;;
      *) continue ;;
    esac
    if version_gt "${v#*_}" "$limit"; then
      echo "  $v is newer than the documented requirement ${v%%_*}_$limit (README, Supported platforms)" >&2
      failed=1
    fi
  done
done
[ "$failed" -eq 0 ] || die "a prebuild failed its checks"
say "done:$built"
