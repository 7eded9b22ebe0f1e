#!/usr/bin/env bash
# Installs the Debian 12 packages bottleneck builds with; --bench adds the Python packages
# the benchmark and cross-check scripts use, --fuzz adds clang and libFuzzer for fuzz/run.sh.
# Skips apt when everything is already present. oneDNN's CMake package needs the OpenCL headers
# (ocl-icd-opencl-dev, only recommended by libdnnl-dev), so they are named here. help2man
# writes the man page; dpkg-dev's dpkg-shlibdeps computes the .deb's Depends. Open MPI (its
# headers and mpirun) lets extract and train run as the processes of one MPI job; a build
# without it runs as one process.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libdnnl-dev ocl-icd-opencl-dev libhdf5-dev libjpeg62-turbo-dev libpng-dev libtiff-dev
  libzip-dev libcli11-dev nlohmann-json3-dev libssl-dev libcurl4-openssl-dev libgtest-dev libbenchmark-dev ccache
  libopenmpi-dev openmpi-bin
  help2man dpkg-dev
)
case "${1:-}" in
  --bench) packages+=(python3-torch python3-torchvision python3-h5py python3-pil python3-numpy time bc) ;;
  --fuzz) packages+=(clang libclang-rt-dev) ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
