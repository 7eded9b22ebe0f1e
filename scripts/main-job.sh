#!/usr/bin/env bash
# The README's main job: the seed's workflow end to end on an embedded default data set.
# Builds bottleneck, generates two classes of images, extracts bottleneck features of the
# train and test folders, trains the seed's head on them (Adadelta, 10 epochs, batch 32,
# Keras' log), and evaluates it. Outputs go to ./main-job-output (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
out=${1:-main-job-output}
rm -rf "$out"
mkdir -p "$out"
build/make_demo_images "$out/data"

# The best weights at hand: VGG16's ImageNet file when cached (or downloadable), else the
# real SqueezeNet weights of ../shared, else a seeded random VGG16.
shared_squeezenet=../shared/weights/squeezenet_v1.1_keras_notop.h5
if build/bottleneck extract "$out/data/train/disks/disks_000.ppm" -o "$out/probe" --quiet 2>/dev/null; then
  model=(--model vgg16 --weights imagenet)
  echo "weights: VGG16 with ImageNet weights"
elif [[ -f $shared_squeezenet ]]; then
  model=(--model squeezenet --weights "$shared_squeezenet")
  echo "weights: VGG16's ImageNet file is not available offline; using SqueezeNet v1.1 with real ImageNet weights ($shared_squeezenet)"
else
  model=(--model vgg16 --weights random)
  echo "weights: no pretrained weights available; using VGG16 with seeded random weights (features are not ImageNet features)"
fi
rm -rf "$out/probe"

for split in train test; do
  build/bottleneck extract "$out/data/$split" -o "$out/features_$split" "${model[@]}" --preprocess caffe
done
build/bottleneck train --train "$out/features_train" --val "$out/features_test" -o "$out/head.h5" \
  --epochs 10 --batch-size 32 --history "$out/history.csv" --plot "$out/history.svg"
build/bottleneck evaluate "$out/head.h5" "$out/features_test"
echo "outputs in $out: features_{train,test}/, head.h5, history.csv, history.svg"
