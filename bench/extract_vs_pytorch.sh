#!/usr/bin/env bash
# End-to-end bulk extraction, JPEG files to features on disk: `bottleneck extract` against
# the PyTorch equivalent (bench/pytorch_extract.py), same folder, same run, alternating,
# at 224x224 and 240x360. Prints images/s (median of the repeats) and the ratio.
#   bench/extract_vs_pytorch.sh [IMAGES=64] [REPEATS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-64}
repeats=${2:-3}
scripts/install-deps.sh --bench
[[ -x build/bottleneck ]] || scripts/build.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/make_jpeg_folder.py "$work/data" "$images"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for size in 224x224 240x360; do
  h=${size%x*}; w=${size#*x}
  ours=(); theirs=()
  for ((r = 0; r < repeats; r++)); do
    start=$(date +%s.%N)
    build/bottleneck extract "$work/data" -o "$work/out" --weights random --target-size "$size" --quiet >/dev/null
    end=$(date +%s.%N)
    ours+=("$(echo "$images / ($end - $start)" | bc -l)")
    theirs+=("$(OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_extract.py "$work/data" "$work/torch.npy" \
      --height "$h" --width "$w" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_second"])')")
  done
  o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
  gflops=$(echo "$o * 30.94 * ($h * $w) / (224 * 224)" | bc -l)
  printf '%s  bottleneck %.2f img/s (%.0f GFLOP/s)  pytorch %.2f img/s  ratio %.2fx  [%d images, median of %d]\n' \
    "$size" "$o" "$gflops" "$t" "$(echo "$o / $t" | bc -l)" "$images" "$repeats"
done
