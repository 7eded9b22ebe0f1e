#!/usr/bin/env bash
# The installed library as its users get it: `cmake --install` of BUILD into a scratch
# prefix, then examples/vgg16_features.cpp built outside the project twice, with
# find_package(bottleneck) (tests/consumer) and with pkg-config's flags, and each program
# run on a generated image with seeded random weights (no ../shared needed). Also checks
# that the man page and bash completion were installed.
#   install_consumers.sh BUILD_DIR SCRATCH_DIR      (CTest: InstallConsumers)
set -euo pipefail
build=$1
scratch=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
example=$source_dir/examples/vgg16_features.cpp
skip=77  # CTest's SKIP_RETURN_CODE for this test
command -v pkg-config >/dev/null || { echo "skipped: pkg-config is not installed (scripts/install-deps.sh)"; exit $skip; }

rm -rf "$scratch"
mkdir -p "$scratch"
prefix=$scratch/prefix
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"
for file in bin/bottleneck include/bottleneck/bottleneck.hpp share/man/man1/bottleneck.1 \
            share/bash-completion/completions/bottleneck; do
  [[ -f $prefix/$file ]] || { echo "FAIL: $file was not installed"; exit 1; }
done
grep -q '^\.SH' "$prefix/share/man/man1/bottleneck.1" && grep -q 'finetune' "$prefix/share/man/man1/bottleneck.1" ||
  { echo "FAIL: the man page does not describe the commands"; exit 1; }

# A 4x4 gray PPM: the example resizes it to 224x224 like any photo.
image=$scratch/gray.ppm
{ printf 'P6\n4 4\n255\n'; head -c 48 /dev/zero | tr '\0' '\200'; } >"$image"
expected=$'(1, 224, 224, 3)\n(1, 7, 7, 512)'
check_run() {  # NAME PROGRAM
  local output
  output=$("$2" "$image" random 2>&1) || { echo "FAIL: $1 program: $output"; exit 1; }
  [[ $output == "$expected" ]] || { echo "FAIL: $1 program printed: $output"; exit 1; }
  echo "ok: $1 consumer built against $prefix and ran"
}

# 1. A CMake project: find_package(bottleneck) -> bottleneck::bottleneck.
cmake -S "$source_dir/tests/consumer" -B "$scratch/cmake-consumer" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DEXAMPLE="$example" >"$scratch/cmake-consumer.log"
# It must have taken the installed package, not the build tree's.
grep -qx "bottleneck_DIR:PATH=$prefix/.*" "$scratch/cmake-consumer/CMakeCache.txt" ||
  { echo "FAIL: the consumer found bottleneck elsewhere than $prefix"; exit 1; }
cmake --build "$scratch/cmake-consumer" >>"$scratch/cmake-consumer.log"
check_run CMake "$scratch/cmake-consumer/example"

# 2. pkg-config (--static for a static libbottleneck, which leaves its dependencies to us).
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name bottleneck.pc)")
static=(--static)
[[ -z $(find "$prefix" -name 'libbottleneck.so*' -print -quit) ]] || static=()
libdir=$(pkg-config --variable=libdir bottleneck)
# shellcheck disable=SC2046  # pkg-config prints several flags
c++ -std=c++20 -O1 "$example" -o "$scratch/pkg-config-example" $(pkg-config "${static[@]}" --cflags --libs bottleneck) \
  -Wl,-rpath,"$libdir"
check_run pkg-config "$scratch/pkg-config-example"
