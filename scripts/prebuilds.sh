#!/bin/sh
# Builds the prebuilt binaries that ship in prebuilds/, from the sources of this checkout:
#   prebuilds/linux-x64/hnswkit.glibc.node     compiled natively
#   prebuilds/linux-arm64/hnswkit.glibc.node   cross-compiled with Debian's g++-aarch64-linux-gnu
#   prebuilds/win32-x64/hnswkit.node           cross-compiled with Debian's mingw-w64 (g++-mingw-w64-x86-64-posix)
# Each is a Node-API binary (one file for Node 20 and later), stripped, tagged with its libc on Linux (node-gyp-build
# looks for no tag on Windows), and built for its architecture's baseline ISA (the engine picks SIMD kernels at run
# time). Before building it installs the npm dependencies if they are missing (npm install --ignore-scripts) and
# checks for cmake, g++ and the cross compilers (scripts/setup.sh installs them). Afterwards it checks each binary's
# architecture, the glibc/libstdc++ symbol versions a Linux binary needs, and that the Windows binary imports only
# node.exe and system DLLs (the C++ runtime, libgcc and winpthreads are linked in).
#
# prebuildify builds in a scratch folder (its --cwd, with scripts/cmake-js-shim.js sending cmake-js's output
# there), so this checkout's build/ stays as it was: build/Release/hnswkit.node, which the tests load, is neither
# moved nor rebuilt, and every prebuild starts from an empty CMake cache.
#
# Usage: sh scripts/prebuilds.sh            linux-x64, linux-arm64 and win32-x64 (on an x86-64 Linux machine);
#                                           npm run prebuilds
#        sh scripts/prebuilds.sh --host     only this machine's platform and architecture (macOS, Alpine, ...)
#        sh scripts/prebuilds.sh TARGET...  only the named targets: x64, arm64 (this platform), win32-x64
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=prebuilds
# shellcheck source=scripts/packaging-lib.sh
. "$ROOT/scripts/packaging-lib.sh"

# The DLLs the Windows binary may import: node.exe (Node-API) and DLLs every Windows has. libstdc++-6.dll,
# libgcc_s_seh-1.dll or libwinpthread-1.dll here would mean a user needs mingw-w64's runtime installed.
WINDOWS_DLLS="KERNEL32.dll msvcrt.dll node.exe"

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
    set -- x64 arm64 win32-x64
  else
    set -- "$host_arch"
  fi
elif [ "$1" = --host ]; then
  set -- "$host_arch"
fi

# ---- tools ---------------------------------------------------------------------------------------------------
if [ "$platform" = linux ]; then
  need cmake cmake
  need c++ g++
  command -v make >/dev/null 2>&1 || need ninja ninja-build
  for target in "$@"; do
    if [ "$target" = arm64 ] && [ "$host_arch" != arm64 ]; then
      need aarch64-linux-gnu-g++ g++-aarch64-linux-gnu
      for tool in strip objdump; do need "aarch64-linux-gnu-$tool" binutils-aarch64-linux-gnu; done
    fi
    if [ "$target" = win32-x64 ]; then
      need x86_64-w64-mingw32-g++-posix g++-mingw-w64-x86-64-posix
      for tool in strip objdump dlltool; do need "x86_64-w64-mingw32-$tool" binutils-mingw-w64-x86-64; done
      need file file  # the binary's check below reads its type
    fi
  done
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
for target in "$@"; do
  target_platform=$platform
  case "$target" in
    x64 | arm64 | ia32 | arm) arch=$target ;;
    win32-x64)
      [ "$platform-$host_arch" = linux-x64 ] || [ "$platform" = win32 ] ||
        die "win32-x64 is cross-compiled on x86-64 Linux only (or built natively on Windows)"
      target_platform=win32 arch=x64
      ;;
    *) die "unknown target \"$target\" (use x64, arm64 or win32-x64)" ;;
  esac
  if [ "$target_platform" = "$platform" ]; then
    file="prebuilds/$platform-$arch/$name$suffix.node"
    set -- --napi --strip $libc_option --arch "$arch"
  else
    # Another operating system: no libc tag, and the target's own strip.
    file="prebuilds/$target_platform-$arch/$name.node"
    set -- --napi --strip --platform "$target_platform" --arch "$arch" --strip-bin x86_64-w64-mingw32-strip
  fi
  set -- "$@" --cwd "$scratch" --out "$ROOT" --shell sh --node-gyp "node \"$ROOT/scripts/cmake-js-shim.js\""
  if [ "$target_platform" = linux ] && [ "$arch" = arm64 ] && [ "$host_arch" != arm64 ]; then
    set -- "$@" --strip-bin aarch64-linux-gnu-strip
  fi
  rm -f "$file"
  say "building $file"
  started=$(date +%s)
  if [ "$target_platform" = win32 ]; then
    # PE files carry a link time stamp. The link leaves it out (CMakeLists.txt), and strip would write the current
    # time unless SOURCE_DATE_EPOCH says otherwise: 0, as the link's, so that a rebuild gives the same bytes.
    SOURCE_DATE_EPOCH=0 node node_modules/prebuildify/bin.js "$@"
  else
    node node_modules/prebuildify/bin.js "$@"
  fi
  [ -f "$file" ] || die "prebuildify did not write $file"
  say "built $file in $(($(date +%s) - started)) s"
  built="$built $file"
done

# ---- checks --------------------------------------------------------------------------------------------------
failed=0
for file in $built; do
  say "$file: $(wc -c <"$file" | tr -d ' ') bytes"
  case "$file" in
    prebuilds/win32-*)
      [ "$platform" = linux ] || continue
      description=$(file -b "$file" 2>/dev/null || true)
      say "  $description"
      case "$description" in
        *"PE32+ executable (DLL)"*x86-64*) ;;
        *) echo "  expected a PE32+ x86-64 DLL" >&2; failed=1 ;;
      esac
      # A stripped PE file has no symbol table left.
      if x86_64-w64-mingw32-objdump -t "$file" | grep -q '^\[ *[0-9]'; then
        echo "  not stripped" >&2
        failed=1
      fi
      dlls=$(x86_64-w64-mingw32-objdump -p "$file" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr '\n' ' ' | sed 's/ $//')
      say "  imports $dlls"
      for dll in $dlls; do
        case " $WINDOWS_DLLS " in
          *" $dll "*) ;;
          *) echo "  imports $dll, which is not one of: $WINDOWS_DLLS" >&2; failed=1 ;;
        esac
      done
      continue
      ;;
  esac
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
