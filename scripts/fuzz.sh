#!/bin/sh
# Builds the index-reader fuzzer (libFuzzer, ASan + UBSan, every sanitizer finding fatal) with CMake from the same
# engine library target as every other build (-DHNSWKIT_BUILD_FUZZERS=ON, clang) and runs it for a fixed time over
# the checked-in seed corpus.
#   sh scripts/fuzz.sh [seconds]        default 60
# Compiler: clang++ (CXX, or FUZZ_CXX if set); it needs libFuzzer's runtime (Debian: clang and libclang-rt-14-dev,
# both installed by scripts/setup.sh).
# New interesting inputs go to a scratch corpus, not into test/fuzz/corpus; a crash leaves
# build-fuzz/crash-<sha1> and exits non-zero (add the file to test/fuzz/corpus as a regression seed).
set -eu
cd "$(dirname "$0")/.."

seconds="${1:-60}"
CXX="${FUZZ_CXX:-clang++}"
CC="${FUZZ_CC:-clang}"
out=build-fuzz

missing() {
  echo "fuzz: missing $1: apt-get install $2 (or sh scripts/setup.sh)" >&2
  exit 1
}
command -v "$CXX" >/dev/null 2>&1 || missing "$CXX" clang
command -v cmake >/dev/null 2>&1 || missing cmake cmake
fuzzer_runtime=$("$CXX" -print-file-name="libclang_rt.fuzzer-$(uname -m).a")
[ -f "$fuzzer_runtime" ] || missing "libFuzzer's runtime (libclang_rt.fuzzer-$(uname -m).a)" libclang-rt-14-dev
generator=""
if command -v ninja >/dev/null 2>&1; then generator="-G Ninja"; fi

# Debug: -g and assertions on (no NDEBUG); HNSWKIT_BUILD_FUZZERS adds -O1 and the sanitizers itself.
echo "fuzz: building test/fuzz with $CXX in $out/"
mkdir -p "$out/corpus"
# $generator is empty or two words: split on purpose.
# shellcheck disable=SC2086
CC="$CC" CXX="$CXX" cmake -S . -B "$out" $generator -DCMAKE_BUILD_TYPE=Debug -DHNSWKIT_BUILD_ADDON=OFF \
  -DHNSWKIT_BUILD_FUZZERS=ON -DHNSWKIT_WERROR=ON >"$out/cmake.log" 2>&1 || { cat "$out/cmake.log"; exit 1; }
cmake --build "$out" -j 2 --target fuzz_index_reader >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }

echo "fuzz: running for ${seconds}s over $(ls test/fuzz/corpus | wc -l) seed files"
# A header may declare a capacity of billions: the engine's calloc'd storage makes that cheap in memory but a
# large single allocation, which libFuzzer would otherwise report as a crash.
status=0
ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1" \
  "$out/fuzz_index_reader" -max_total_time="$seconds" -max_len=16384 -malloc_limit_mb=1048576 -rss_limit_mb=4096 \
  -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" test/fuzz/corpus >"$out/fuzz.log" 2>&1 || status=$?
# The summary, or on a finding the sanitizer report and the artifact name.
grep -vE '^(#[0-9]+[[:space:]]|"|###### )' "$out/fuzz.log" | tail -n 40
[ "$status" -eq 0 ] && echo "fuzz: no findings" || echo "fuzz: FAILED (exit $status); see $out/fuzz.log"
exit "$status"
