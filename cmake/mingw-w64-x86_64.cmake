# CMake toolchain for cross-compiling the addon to 64-bit Windows on a Debian/Ubuntu host with the distribution's
# mingw-w64 compiler (apt-get install g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64). The -posix variant
# implements std::thread and std::mutex on winpthreads; the -win32 variant has no std::thread in GCC 12.
# scripts/cmake-js-shim.js passes this file to CMake when prebuildify asks for --platform win32 --arch x64.
# CMakeLists.txt links the C++ runtime, libgcc and winpthreads statically and links against an import library for
# node.exe made from node-api-headers' .def file, so the .node file needs only node.exe and system DLLs.
# No -march flags: the binary targets the x86-64 baseline (SSE2); the engine picks wider kernels at run time.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(HNSWKIT_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${HNSWKIT_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${HNSWKIT_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${HNSWKIT_MINGW_PREFIX}-windres)
set(CMAKE_DLLTOOL ${HNSWKIT_MINGW_PREFIX}-dlltool)

# Headers and libraries come from the cross toolchain's own tree; build tools (ninja, strip) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${HNSWKIT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
