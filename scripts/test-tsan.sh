#!/bin/sh
# Runs the engine test under ThreadSanitizer, built in its own folder (build-tsan/), and fails on any report.
#   sh scripts/test-tsan.sh
# The engine reads link lists, labels and levels without locks while adds write them (docs/design.md,
# "Concurrency"); those accesses are atomics, so TSan checks every one of them against the orders the design
# claims. The engine test's concurrent cases (adds, updates, deletes, slot reuse and saves next to searches) are
# what give it something to check. The last line is the engine test's own "N passed, N failed".
# Compiler: $CXX if set, else CMake's default (g++). GCC's TSan runtime is Debian's libtsan2, which g++ brings in;
# clang needs libclang-rt-14-dev (or the matching version) instead.
set -eu
cd "$(dirname "$0")/.."

out=build-tsan
log="$out/engine_test.log"

compiler=${CXX:-g++}
runtime=$("$compiler" -print-file-name=libtsan.so 2>/dev/null || true)
case "$runtime" in
  /*) ;;
  *)
    case "$compiler" in
      *clang*) ;;  # clang links its runtime statically and names it differently; a missing one fails the link below
      *)
        echo "tsan: $compiler has no ThreadSanitizer runtime (libtsan.so); install Debian's libtsan2 (it comes with g++)"
        echo "0 passed, 1 failed"
        exit 1
        ;;
    esac
    ;;
esac

generator=""
if command -v ninja >/dev/null 2>&1; then generator="-G Ninja"; fi
echo "tsan: building the engine test with -fsanitize=thread in $out/"
mkdir -p "$out"
# $generator is empty or two words: split on purpose.
# shellcheck disable=SC2086
cmake -S . -B "$out" $generator -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHNSWKIT_TSAN=ON -DHNSWKIT_BUILD_ADDON=OFF \
  -DHNSWKIT_BUILD_TESTS=ON -DHNSWKIT_WERROR=ON >"$out/cmake.log" 2>&1 || { cat "$out/cmake.log"; exit 1; }
cmake --build "$out" -j 2 >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }

# halt_on_error: the first report ends the run with TSan's exit code (66), so a race can never pass unnoticed.
# second_deadlock_stack: a lock-order report shows where both locks were taken. There is no suppression file: the
# one race the design accepts (an update's new coordinates against searches' SIMD loads) is hidden from TSan in the
# code, for exactly those stores (HierarchicalNsw::overwrite_vector), and everything else must be clean.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export TSAN_OPTIONS

run_test() {
  status=0
  "$@" "$out/engine_test" >"$log" 2>&1 || status=$?
}

started=$(date +%s)
run_test
# TSan's runtime needs the program's memory at fixed address ranges. Kernels that randomise mmap addresses over
# more bits than the runtime expects (vm.mmap_rnd_bits above 28, common on recent kernels) make it stop at once
# with "unexpected memory mapping"; the same run with address randomisation turned off for this one process
# (setarch -R) works, and randomisation plays no part in what the test checks.
if grep -q 'unexpected memory mapping' "$log"; then
  echo "tsan: the runtime rejected this kernel's address layout; running again under setarch -R"
  run_test setarch "$(uname -m)" -R
fi
cat "$log"
echo "tsan: the engine test ran for $(( $(date +%s) - started )) s"

if grep -q 'WARNING: ThreadSanitizer' "$log"; then
  echo "tsan: ThreadSanitizer reported the problem above"
  [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ] && ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log"; then
  # Stopped before its summary (a report with halt_on_error, or a crash): one failure, in the format CI reads.
  echo "0 passed, 1 failed"
fi
exit "$status"
