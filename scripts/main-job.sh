#!/usr/bin/env bash
# The README's main job: the seed's workflow end to end on real photos. Builds the tool
# (target bottleneck only), extracts bottleneck features of ../shared/data/cats_and_dogs
# (train: 100 cats + 100 dogs, test: 50 + 50), trains the seed's head on them (Flatten ->
# Dense 256 relu -> Dropout 0.5 -> Dense 1 sigmoid, Adadelta, 10 epochs, batch 32, Keras'
# log), evaluates it on the test photos and writes its predictions.
# Weights: VGG16's ImageNet file when cached or downloadable, else the real SqueezeNet
# ImageNet weights of ../shared/weights, else a seeded random VGG16; it says which.
# Without the real photos it falls back to a generated two-class set, and says so.
# Outputs go to ./main-job-output (or $1). BOTTLENECK_OFFLINE=1 skips the download attempt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
out=${1:-main-job-output}
# On a machine busy with other work, OpenMP threads that spin for a core another process
# holds lose whole time slices: extracting the test photos took 16 s instead of 5 here
# under a load of 12 (README). Spinning briefly costs nothing on an idle machine.
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-10000}
rm -rf "$out"
mkdir -p "$out"

job_started=$SECONDS
started=$SECONDS
scripts/build.sh
build_seconds=$((SECONDS - started))

photos=../shared/data/cats_and_dogs
if [[ -d $photos/train && -d $photos/test ]]; then
  data=$photos
  echo "data: real photos, $data (cats vs dogs; train 200, test 100)"
else
  cmake --build build --target make_demo_images >/dev/null
  build/make_demo_images "$out/data"
  data=$out/data
  echo "data: $photos is absent; falling back to a GENERATED set (disks vs stripes) in $data:" \
       "its accuracy says nothing about transfer learning."
fi

# The best weights at hand. VGG16's ImageNet file: cached (decided without the network), or
# downloaded once, tried only when the download host resolves so that an offline machine
# does not wait on a network timeout. Why it is not at hand goes to $out/probe.err.
probe_image=$(find "$data/train" -type f | sort | sed -n 1p)
vgg16_imagenet_available() {
  BOTTLENECK_OFFLINE=1 build/bottleneck extract "$probe_image" -o "$out/probe" --quiet 2>"$out/probe.err" && return 0
  [[ ${BOTTLENECK_OFFLINE:-} != 1 ]] || return 1
  if ! timeout 5 getent hosts storage.googleapis.com >/dev/null; then
    # The offline refusal ends with where to put the file.
    local hint
    hint=$(sed -n 's/.*: \(put .*\)/\1/p' "$out/probe.err")
    echo "not cached, and storage.googleapis.com does not resolve (offline?)${hint:+; $hint}" >"$out/probe.err"
    return 1
  fi
  build/bottleneck extract "$probe_image" -o "$out/probe" --quiet 2>"$out/probe.err"
}
shared_squeezenet=../shared/weights/squeezenet_v1.1_keras_notop.h5
if vgg16_imagenet_available; then
  model=(--model vgg16 --weights imagenet)
  weights="VGG16 with ImageNet weights"
else
  echo "VGG16's ImageNet weights are not at hand: $(sed '1!d; s/^error: //' "$out/probe.err")"
  if [[ -f $shared_squeezenet ]]; then
    model=(--model squeezenet --weights "$shared_squeezenet")
    weights="SqueezeNet v1.1 with real ImageNet weights ($shared_squeezenet)"
  else
    model=(--model vgg16 --weights random)
    weights="VGG16 with seeded random weights (not ImageNet features: expect little transfer)"
  fi
fi
rm -rf "$out/probe" "$out/probe.err"
echo "weights: $weights"

started=$SECONDS
for split in train test; do
  build/bottleneck extract "$data/$split" -o "$out/features_$split" "${model[@]}" --preprocess caffe
done
extract_seconds=$((SECONDS - started))

started=$SECONDS
build/bottleneck train --train "$out/features_train" --val "$out/features_test" -o "$out/head.h5" \
  --epochs 10 --batch-size 32 --history "$out/history.csv" --plot "$out/history.svg"
train_seconds=$((SECONDS - started))

evaluation=$(build/bottleneck evaluate "$out/head.h5" "$out/features_test" --quiet)
build/bottleneck predict "$out/head.h5" "$out/features_test" >"$out/predictions.csv.tmp"
mv "$out/predictions.csv.tmp" "$out/predictions.csv"
accuracy=$(sed -n 's/.*acc: \([0-9.]*\).*/\1/p' <<<"$evaluation")
samples=$(($(wc -l <"$out/predictions.csv") - 1))

echo
echo "validation accuracy: $accuracy on the $samples images of $data/test ($evaluation)"
echo "features: $weights"
echo "plot: $out/history.svg (loss and accuracy per epoch; the figures in $out/history.csv)"
echo "predictions: $out/predictions.csv (file,probability,class)"
echo "model: $out/head.h5; features: $out/features_train/, $out/features_test/"
echo "time: build ${build_seconds}s, features ${extract_seconds}s, training ${train_seconds}s;" \
     "$((SECONDS - job_started))s in all (after install-deps)"
