#!/usr/bin/env bash
# One fine-tuning epoch of a network's top block + the seed head at 224x224: `bottleneck
# finetune` (the frozen prefix computed once per image, then the top block + head trained from
# that cache) against PyTorch (frozen layers under no_grad every epoch), same images, same run.
# vgg16: block 5; resnet50: conv5 (torchvision's layer4), BatchNormalization in training mode.
# Prints seconds for the first epoch (ours includes building the cache) and for each later one.
# DTYPE_POLICY=mixed_bfloat16 trains ours under that policy too and prints its later epochs
# against our float32 ones (PyTorch stays float32).
#   [DTYPE_POLICY=mixed_bfloat16] bench/finetune_epoch.sh [IMAGES=32] [EPOCHS=3] [NETWORK=vgg16]
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-32}
epochs=${2:-3}
network=${3:-vgg16}
scripts/install-deps.sh --bench
[[ -x build/bottleneck ]] || scripts/build.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/make_jpeg_folder.py "$work/data" "$images"

grep -m1 'model name' /proc/cpuinfo
build/bottleneck info | grep -i 'isa\|bfloat16\|amx'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# A head for the network's features (trained on a few extracted rows; its quality does not matter here).
build/bottleneck extract "$work/data" -o "$work/features" --model "$network" --weights random --quiet >/dev/null
build/bottleneck train --train "$work/features" -o "$work/head.h5" --epochs 1 --quiet

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
seconds() { local start=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $start" | bc -l; }
finetune() {  # POLICY EPOCHS
  seconds build/bottleneck finetune --train "$work/data" --head "$work/head.h5" -o "$work/full.h5" \
    --model "$network" --weights random --epochs "$2" --dtype-policy "$1" --quiet
}
one=$(finetune float32 1)
more=$(finetune float32 "$epochs")
later=$(echo "($more - $one) / ($epochs - 1)" | bc -l)
# Later epochs of one run, from Keras' log (ms/step, a step being a sample here), median.
later_epochs() {  # POLICY
  build/bottleneck finetune --train "$work/data" --head "$work/head.h5" -o "$work/full.h5" --model "$network" \
    --weights random --epochs "$epochs" --dtype-policy "$1" 2>&1 |
    sed -n 's/.* \([0-9.]*\)ms\/step.*/\1/p' | tail -n +2 | median | awk -v n="$images" '{print $1 * n / 1000}'
}
if [[ ${DTYPE_POLICY:-float32} == mixed_bfloat16 ]]; then
  one_mixed=$(finetune mixed_bfloat16 1)
  float32_epoch=$(later_epochs float32); mixed_epoch=$(later_epochs mixed_bfloat16)
  printf 'mixed_bfloat16: first epoch %.1f s (%.2fx our float32 speed); later epochs %.2f s against float32 %.2f s: %.2fx\n' \
    "$one_mixed" "$(echo "$one / $one_mixed" | bc -l)" "$mixed_epoch" "$float32_epoch" "$(echo "$float32_epoch / $mixed_epoch" | bc -l)"
fi
torch=$(cd bench && OMP_NUM_THREADS=2 /usr/bin/python3 pytorch_finetune.py "$work/data" --epochs "$epochs" --model "$network")
t_first=$(echo "$torch" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch_seconds"][0])')
t_later=$(echo "$torch" | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)["epoch_seconds"][1:]; print(sum(s)/len(s))')
printf 'first epoch:  bottleneck %.1f s (whole run, cache included)  pytorch %.1f s  ratio %.2fx\n' "$one" "$t_first" "$(echo "$t_first / $one" | bc -l)"
printf 'later epochs: bottleneck %.2f s  pytorch %.1f s  ratio %.1fx  [%d images, 224x224]\n' "$later" "$t_later" "$(echo "$t_later / $later" | bc -l)" "$images"
