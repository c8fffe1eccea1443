# CMake toolchain for cross-compiling the addon to 64-bit ARM Linux (glibc) on an x86-64 Debian/Ubuntu host with
# the distribution's cross compiler (apt-get install g++-aarch64-linux-gnu). scripts/cmake-js-shim.js passes it to
# CMake when prebuildify asks for --arch=arm64 on another architecture. No -march flags: the binary targets the
# ARMv8-A baseline, where NEON is always present.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Headers and libraries come from the cross toolchain's own tree; build tools (ninja, strip) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
