#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in ./build-fuzz and runs each for
# SECONDS_PER_TARGET (default 600) over a working copy of fuzz/corpus/<name>. A crash stops
# that target with its input saved as build-fuzz/crash-*; add it to fuzz/corpus/<name>
# once fixed. Prints the executions each target ran.
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (targets: image npy weights model keras)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --fuzz
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(image npy weights model keras)
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DBOTTLENECK_FUZZ=ON -DBOTTLENECK_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
status=0
for name in "${targets[@]}"; do
  work=build-fuzz/corpus-$name
  mkdir -p "$work"
  log=build-fuzz/fuzz-$name.log
  # Big claimed images are refused by the pixel limit; the rss limit catches anything else.
  # HDF5 asks malloc for sizes read from corrupt files (4 GiB from an object header, in
  # fuzz/corpus/weights/hdf5-header-claims-4gib) and fails cleanly before touching them
  # (the tool stays under 20 MB there): let such mallocs be tried, or fail.
  malloc_limit=()
  [[ $name == weights ]] && malloc_limit=(-malloc_limit_mb=65536)
  failed=0
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "./fuzz/fuzz_$name" "../$work" "../fuzz/corpus/$name" \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=3072 "${malloc_limit[@]}" -timeout=20 -print_final_stats=1) >"$log" 2>&1 ||
    failed=1
  ((failed)) && status=1
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz_$name: $runs executions in ${seconds}s$( ((failed)) && echo ", FAILED (see $log)")"
done
exit $status
