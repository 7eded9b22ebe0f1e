#!/usr/bin/env bash
# The .deb as a user gets it: `cpack -G DEB` of BUILD, its Depends name the runtime
# packages of the libraries bottleneck links, it holds the tool, man page, completion,
# headers, library and both build packages, and unpacked into a scratch root (dpkg -x)
# its `bottleneck --version` runs.
#   debian_package.sh BUILD_DIR SCRATCH_DIR      (CTest: DebianPackage)
set -euo pipefail
build=$1
scratch=$2
skip=77  # CTest's SKIP_RETURN_CODE for this test
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || { echo "skipped: $tool is not installed (scripts/install-deps.sh)"; exit $skip; }
done

rm -rf "$scratch"
mkdir -p "$scratch"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch" >"$scratch/cpack.log" ||
  { cat "$scratch/cpack.log"; exit 1; }
debs=("$scratch"/bottleneck_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "FAIL: expected one bottleneck_*.deb in $scratch"; exit 1; }
deb=${debs[0]}

depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
# The runtime packages of oneDNN, HDF5, libjpeg-turbo, libpng, libtiff, libcurl, OpenSSL and libzip.
for package in libdnnl libhdf5 libjpeg62-turbo libpng16 libtiff libcurl libssl libzip; do
  [[ $depends =~ (^|, )$package ]] || { echo "FAIL: Depends lacks $package"; exit 1; }
done

contents=$(dpkg-deb --contents "$deb")
for file in ./usr/bin/bottleneck ./usr/share/man/man1/bottleneck.1 ./usr/share/bash-completion/completions/bottleneck \
            ./usr/include/bottleneck/bottleneck.hpp ./usr/lib/cmake/bottleneck/bottleneckConfig.cmake \
            ./usr/lib/pkgconfig/bottleneck.pc; do
  grep -q " $file\$" <<<"$contents" || { echo "FAIL: the package lacks $file"; exit 1; }
done
grep -Eq " ./usr/lib/libbottleneck\.(a|so\.[0-9.]+)\$" <<<"$contents" || { echo "FAIL: the package lacks the library"; exit 1; }

root=$scratch/root
dpkg -x "$deb" "$root"
version=$("$root/usr/bin/bottleneck" --version)  # a shared library is found through its RUNPATH
echo "$version"
[[ $(head -n 1 <<<"$version") == "bottleneck $(dpkg-deb --field "$deb" Version)" ]] ||
  { echo "FAIL: the unpacked tool does not report the package's version"; exit 1; }
