#!/usr/bin/env bash
# The README's test command: installs what is missing, builds from scratch in
# ./build-test, and runs the whole suite with CTest.
#   scripts/test.sh             the Release build
#   scripts/test.sh --sanitize  the same suite built with ASan + UBSan, in ./build-test-asan
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=build-test
options=(-DCMAKE_BUILD_TYPE=Release)
skip=()
if [[ "${1:-}" == "--sanitize" ]]; then
  build=build-test-asan
  options+=(-DBOTTLENECK_SANITIZE=ON -DBOTTLENECK_UNITY_BUILD=OFF)
  # ASan's quarantine holds freed memory on purpose: peak-memory measurements mean nothing there.
  skip=(-E ExtractMemory)
  # Any report fails the test that caused it; UBSan stops at the first finding.
  export ASAN_OPTIONS=abort_on_error=0:detect_stack_use_after_return=0:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}  # the same objects serve scripts/build.sh and other clones
rm -rf "$build"
cmake -S . -B "$build" "${options[@]}" "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900 "${skip[@]}"
