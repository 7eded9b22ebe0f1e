#!/usr/bin/env bash
# One fine-tuning epoch of a network's top block + the seed head at 224x224: `bottleneck
# finetune` (the frozen prefix computed once per image, then the top block + head trained from
# that cache) against PyTorch (frozen layers under no_grad every epoch), same images, same run.
# vgg16: block 5; resnet50: conv5 (torchvision's layer4), BatchNormalization in training mode.
# Prints seconds for the first epoch (ours includes building the cache) and for each later one.
#   bench/finetune_epoch.sh [IMAGES=32] [EPOCHS=3] [NETWORK=vgg16]
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
build/bottleneck info | grep -i 'isa'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# A head for the network's features (trained on a few extracted rows; its quality does not matter here).
build/bottleneck extract "$work/data" -o "$work/features" --model "$network" --weights random --quiet >/dev/null
build/bottleneck train --train "$work/features" -o "$work/head.h5" --epochs 1 --quiet

seconds() { local start=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $start" | bc -l; }
one=$(seconds build/bottleneck finetune --train "$work/data" --head "$work/head.h5" -o "$work/full.h5" \
  --model "$network" --weights random --epochs 1 --quiet)
more=$(seconds build/bottleneck finetune --train "$work/data" --head "$work/head.h5" -o "$work/full.h5" \
  --model "$network" --weights random --epochs "$epochs" --quiet)
later=$(echo "($more - $one) / ($epochs - 1)" | bc -l)
torch=$(cd bench && OMP_NUM_THREADS=2 /usr/bin/python3 pytorch_finetune.py "$work/data" --epochs "$epochs" --model "$network")
t_first=$(echo "$torch" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch_seconds"][0])')
t_later=$(echo "$torch" | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)["epoch_seconds"][1:]; print(sum(s)/len(s))')
printf 'first epoch:  bottleneck %.1f s (whole run, cache included)  pytorch %.1f s  ratio %.2fx\n' "$one" "$t_first" "$(echo "$t_first / $one" | bc -l)"
printf 'later epochs: bottleneck %.2f s  pytorch %.1f s  ratio %.1fx  [%d images, 224x224]\n' "$later" "$t_later" "$(echo "$t_later / $later" | bc -l)" "$images"
