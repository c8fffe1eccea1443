#!/bin/sh
# Builds the index-reader fuzzer (libFuzzer, ASan + UBSan, every sanitizer finding fatal) from deps/ alone and
# runs it for a fixed time over the checked-in seed corpus.
#   sh scripts/fuzz.sh [seconds]        default 60
# New interesting inputs go to a scratch corpus, not into test/fuzz/corpus; a crash leaves
# build-fuzz/crash-<sha1> and exits non-zero (add the file to test/fuzz/corpus as a regression seed).
set -eu
cd "$(dirname "$0")/.."

seconds="${1:-60}"
CXX="${FUZZ_CXX:-clang++-14}"
if ! command -v "$CXX" >/dev/null 2>&1 || [ ! -f "$("$CXX" -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang-14 and libclang-rt-14-dev"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null; }
  else
    echo "fuzz: needs $CXX and libFuzzer (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
  fi
fi

out=build-fuzz
mkdir -p "$out/objects" "$out/corpus"
flags="-g -O1 -std=c++17 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -Ideps/hnswkit"
src=deps/hnswkit
objects=""
for f in util/error.cc space/space.cc space/dispatch.cc space/kernels_scalar.cc space/kernels_sse.cc \
         index/hierarchical_nsw.cc index/hierarchical_nsw_search.cc index/hierarchical_nsw_insert.cc index/hnsw_stats.cc \
         index/brute_force.cc io/byte_io.cc io/hnsw_file.cc io/brute_force_file.cc; do
  o="$out/objects/$(echo "$f" | tr / _).o"
  $CXX $flags -c "$src/$f" -o "$o"
  objects="$objects $o"
done
# Each kernel file with its own instruction set only, as in the real build.
$CXX $flags -mavx2 -mfma -c "$src/space/kernels_avx2.cc" -o "$out/objects/avx2.o"
$CXX $flags -mavx512f -mfma -c "$src/space/kernels_avx512.cc" -o "$out/objects/avx512.o"
# shellcheck disable=SC2086
$CXX $flags -fsanitize=fuzzer test/fuzz/fuzz_index_reader.cc $objects "$out/objects/avx2.o" "$out/objects/avx512.o" \
  -o "$out/fuzz_index_reader"

echo "fuzz: running for ${seconds}s over $(ls test/fuzz/corpus | wc -l) seed files"
# A header may declare a capacity of billions: the engine's calloc'd storage makes that cheap in memory but a
# large single allocation, which libFuzzer would otherwise report as a crash.
status=0
ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1" \
  "$out/fuzz_index_reader" -max_total_time="$seconds" -max_len=16384 -malloc_limit_mb=1048576 -rss_limit_mb=4096 \
  -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" test/fuzz/corpus >"$out/fuzz.log" 2>&1 || status=$?
# The summary, or on a finding the sanitizer report and the artifact name.
grep -vE '^(#[0-9]+ |"|###### )' "$out/fuzz.log" | tail -n 40
[ "$status" -eq 0 ] && echo "fuzz: no findings" || echo "fuzz: FAILED (exit $status); see $out/fuzz.log"
exit "$status"
