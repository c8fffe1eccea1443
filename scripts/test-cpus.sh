#!/bin/sh
# Runs the tests on emulated older x86-64 CPUs with qemu-user, to prove the SIMD dispatch never executes an
# instruction the CPU lacks: Haswell (AVX2 + FMA, no AVX-512) and qemu64 (the x86-64 baseline: SSE2 only).
#   sh scripts/test-cpus.sh
# Per CPU: the standalone engine test (every kernel against scalar for dimensions 1..1100, recall, files,
# concurrency) and the jest suites that need no large data set. The Fashion-MNIST suites are left out: emulation
# is about 20x slower, which would take them from a minute to over half an hour. Then the engine test twice more,
# cross-compiled for arm64 and run under qemu-aarch64: on its default CPU (which has the dot-product instructions:
# neon and neondot against scalar) and on a Cortex-A53 (Armv8.0, without them: neon is the level in use). No
# emulated CPU here has AVX-512, so the avx512 and avx512vnni levels are tested by the native engine test only.
set -eu
cd "$(dirname "$0")/.."

if [ "$(uname -m)" != "x86_64" ]; then
  echo "test-cpus: x86-64 only; nothing to do on $(uname -m)"
  exit 0
fi
# scripts/setup.sh installs these.
for need in qemu-x86_64-static:qemu-user-static qemu-aarch64-static:qemu-user-static \
  aarch64-linux-gnu-g++:g++-aarch64-linux-gnu cmake:cmake ninja:ninja-build; do
  if ! command -v "${need%%:*}" >/dev/null 2>&1; then
    echo "test-cpus: missing ${need%%:*}: apt-get install ${need#*:} (or sh scripts/setup.sh)" >&2
    exit 1
  fi
done

# Runs an engine test binary under the given emulator and arguments; prints the kernel lines and the summary, and
# fails if the test does.
engine_test() {
  out=build-tests/engine-test.log
  if "$@" >"$out" 2>/dev/null; then ok=0; else ok=1; fi
  grep -E '^(FAIL|ok   kernels)|passed' "$out" || tail -n 20 "$out"
  return "$ok"
}

cmake -S . -B build-tests -G Ninja -DCMAKE_BUILD_TYPE=Release -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_TESTS=ON \
  -DHNSWKIT_WERROR=ON >/dev/null
cmake --build build-tests >build-tests/build.log 2>&1 || { tail -n 40 build-tests/build.log; exit 1; }

node=$(command -v node)
suites="test/spaces.test.ts test/hierarchical-nsw- test/bruteforce-search.test.ts test/index-files.test.ts"
status=0
for cpu in Haswell qemu64; do
  # TCG prints a warning for every CPUID feature it cannot model; they say nothing about the code under test.
  level=$(qemu-x86_64-static -cpu "$cpu" "$node" -p "require('./dist').simdLevel()" 2>/dev/null)
  echo "test-cpus: $cpu: kernels in use: $level"
  engine_test qemu-x86_64-static -cpu "$cpu" build-tests/engine_test || status=1
  log="build-tests/jest-$cpu.log"
  # shellcheck disable=SC2086
  qemu-x86_64-static -cpu "$cpu" "$node" node_modules/jest/bin/jest.js --runInBand --silent $suites >"$log" 2>&1 ||
    status=1
  grep -E '^(Tests:|Test Suites:|  ●)' "$log" || tail -n 20 "$log"
done

# Static, so qemu needs no arm64 libraries.
cmake -S . -B build-tests-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_SYSTEM_NAME=Linux \
  -DCMAKE_SYSTEM_PROCESSOR=aarch64 -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ -DCMAKE_EXE_LINKER_FLAGS=-static \
  -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_TESTS=ON -DHNSWKIT_WERROR=ON >/dev/null
cmake --build build-tests-arm64 >build-tests-arm64/build.log 2>&1 || { tail -n 40 build-tests-arm64/build.log; exit 1; }
echo "test-cpus: arm64 (qemu-aarch64, default CPU, with dot product): engine test"
engine_test qemu-aarch64-static build-tests-arm64/engine_test || status=1
echo "test-cpus: arm64 (qemu-aarch64 -cpu cortex-a53, Armv8.0, no dot product): engine test"
engine_test qemu-aarch64-static -cpu cortex-a53 build-tests-arm64/engine_test || status=1
exit "$status"
