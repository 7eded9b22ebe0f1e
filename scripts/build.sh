#!/usr/bin/env bash
# Configures and builds the bottleneck tool (Release) into ./build: build/bottleneck.
# Extra arguments go to CMake's configure step. With ccache (installed by install-deps.sh)
# recompiling is cheap, also from another clone of the project (CCACHE_BASEDIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" >/dev/null
cmake --build build -j "$(nproc)" --target bottleneck
