#!/usr/bin/env bash
# End-to-end bulk extraction, JPEG files to features on disk: `bottleneck extract` against
# the PyTorch equivalent (bench/pytorch_extract.py), same folder, same run, alternating.
# Prints images/s (median of the repeats) and the ratio, with the CPU and the ISA oneDNN uses,
# and peak memory: both tools' on IMAGES, ours again on twice as many (it should not grow).
# Ours is timed as the whole command (process start and network build included); PyTorch as its
# loop over the batches (the ratio), and again with its model build and conversion added (end to
# end after imports). A third line compares the networks alone: our forward stage (--timings)
# against PyTorch's model calls.
#   [DTYPE_POLICY=mixed_bfloat16] bench/extract_vs_pytorch.sh [IMAGES=64] [REPEATS=3] [NETWORK:HxW ...]
# Networks: vgg16 (default: vgg16:224x224 vgg16:240x360), resnet50, mobilenetv2, efficientnetb0.
# DTYPE_POLICY=mixed_bfloat16 runs ours under that policy and PyTorch in bfloat16 (to_mkldnn
# in bfloat16 or autocast over channels_last, whichever is faster for the network).
set -euo pipefail
cd "$(dirname "$0")/.."
policy=${DTYPE_POLICY:-float32}
case $policy in float32) torch_dtype=float32 ;; mixed_bfloat16) torch_dtype=bfloat16 ;;
  *) echo "DTYPE_POLICY: float32 or mixed_bfloat16" >&2; exit 2 ;; esac
images=${1:-64}
repeats=${2:-3}
shift $(($# > 2 ? 2 : $#))
cases=("$@")
((${#cases[@]})) || cases=(vgg16:224x224 vgg16:240x360)
declare -A torch_name=([vgg16]=vgg16 [resnet50]=resnet50 [mobilenetv2]=mobilenet_v2 [efficientnetb0]=efficientnet_b0)
scripts/install-deps.sh --bench
[[ -x build/bottleneck ]] || scripts/build.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/make_jpeg_folder.py "$work/data" "$images"
/usr/bin/python3 bench/make_jpeg_folder.py "$work/data2" "$((2 * images))"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
grep -m1 'model name' /proc/cpuinfo
build/bottleneck info | grep -i 'isa\|bfloat16\|amx'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); dtype policy: $policy (PyTorch: $torch_dtype)"
for case in "${cases[@]}"; do
  network=${case%%:*}; size=${case#*:}
  h=${size%x*}; w=${size#*x}
  ours=(); theirs=(); our_forward=(); their_forward=(); their_after_imports=()
  for ((r = 0; r < repeats; r++)); do
    start=$(date +%s.%N)
    /usr/bin/time -f %M -o "$work/rss" build/bottleneck extract "$work/data" -o "$work/out" --model "$network" \
      --weights random --target-size "$size" --dtype-policy "$policy" --quiet --timings 2>"$work/timings" >/dev/null
    end=$(date +%s.%N)
    ours+=("$(echo "$images / ($end - $start)" | bc -l)")
    our_forward+=("$(sed -n 's/.*forward \([0-9.]*\) s.*/\1/p' "$work/timings" | awk -v n="$images" '{print n / $1}')")
    our_rss=$(cat "$work/rss")
    result=$(OMP_NUM_THREADS=2 /usr/bin/time -f %M -o "$work/rss" /usr/bin/python3 bench/pytorch_extract.py \
      "$work/data" "$work/torch.npy" --height "$h" --width "$w" --model "${torch_name[$network]}" --dtype "$torch_dtype")
    their_rss=$(cat "$work/rss")
    field() { echo "$result" | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
    theirs+=("$(field 'r["images_per_second"]')")
    their_after_imports+=("$(field 'r["images"] / (r["seconds"] + r["setup_seconds"])')")
    their_forward+=("$(field 'r["images"] / r["forward_seconds"]')")
    form=$(field 'r["form"]')
  done
  /usr/bin/time -f %M -o "$work/rss" build/bottleneck extract "$work/data2" -o "$work/out2" --model "$network" \
    --weights random --target-size "$size" --dtype-policy "$policy" --quiet >/dev/null
  o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
  ta=$(printf '%s\n' "${their_after_imports[@]}" | median)
  of=$(printf '%s\n' "${our_forward[@]}" | median); tf=$(printf '%s\n' "${their_forward[@]}" | median)
  printf '%-15s %s  bottleneck %.2f img/s  pytorch (%s) %.2f img/s  ratio %.2fx  [%d images, median of %d]\n' \
    "$network" "$size" "$o" "$form" "$t" "$(echo "$o / $t" | bc -l)" "$images" "$repeats"
  printf '%-15s %s  pytorch with its model build and conversion %.2f img/s: ratio %.2fx\n' "" "" \
    "$ta" "$(echo "$o / $ta" | bc -l)"
  printf '%-15s %s  the network alone: bottleneck %.2f img/s, pytorch %.2f img/s: ratio %.2fx; ours: %s\n' "" "" \
    "$of" "$tf" "$(echo "$of / $tf" | bc -l)" "$(cat "$work/timings")"
  printf '%-15s %s  peak RSS: bottleneck %d MB (%d MB on %d images), pytorch %d MB\n' "" "" \
    $((our_rss / 1024)) $(($(cat "$work/rss") / 1024)) $((2 * images)) $((their_rss / 1024))
done
