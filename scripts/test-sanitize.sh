#!/bin/sh
# Runs the engine test and the whole jest suite against builds with AddressSanitizer and UndefinedBehaviorSanitizer
# (every UB finding fatal), kept apart from the normal build in build-asan/.
#   sh scripts/test-sanitize.sh [jest args...]
# The engine test also runs LeakSanitizer; under node, leak reports are not reliable (node itself keeps memory
# until exit), so the addon's own memory is leak-checked through the engine test and the memory test instead.
set -eu
cd "$(dirname "$0")/.."

asan_runtime=$(g++ -print-file-name=libasan.so)
out=build-asan

echo "sanitize: engine test (ASan + UBSan + LeakSanitizer)"
cmake -S . -B "$out/engine" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHNSWKIT_SANITIZE=ON \
  -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_TESTS=ON -DHNSWKIT_WERROR=ON >/dev/null
cmake --build "$out/engine" >"$out/engine-build.log" 2>&1 || { tail -n 40 "$out/engine-build.log"; exit 1; }
# The byte-flip test feeds headers declaring huge capacities; those must fail cleanly, not abort in the allocator.
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$out/engine/engine_test" | tail -n 1

echo "sanitize: addon (ASan + UBSan) and the jest suite"
npx cmake-js rebuild -O "$out/build" --CDHNSWKIT_SANITIZE=ON --CDHNSWKIT_WERROR=ON >"$out/addon-build.log" 2>&1 ||
  { tail -n 30 "$out/addon-build.log"; exit 1; }
# node-gyp-build reads HNSWKIT_PREBUILD as the package root to load build/Release from. LD_PRELOAD puts the ASan
# runtime first, which an uninstrumented node needs; child processes (node and python) inherit both.
# HNSWKIT_SANITIZE=1 tells the RSS-based memory suite to stand aside (ASan's allocator inflates RSS on purpose).
HNSWKIT_SANITIZE=1 HNSWKIT_PREBUILD="$PWD/$out" LD_PRELOAD="$asan_runtime" \
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  sh scripts/test-ci.sh "$@"
