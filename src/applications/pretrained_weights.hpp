#pragma once
// Published pretrained weights: found in our cache ($BOTTLENECK_HOME, default
// ~/.cache/bottleneck) or Keras' (~/.keras/models, used as is), else downloaded once,
// hash-checked and cached. Offline, the error says which file to put where.
#include <string>
#include <vector>

namespace bottleneck {

struct PublishedWeights {
  std::string description;  // "VGG16 ImageNet notop weights"
  std::string file_name;
  std::vector<std::string> urls;
  std::string md5;     // one of the two hashes is published
  std::string sha256;
  long long bytes = 0;
};

const PublishedWeights& vgg16_imagenet_notop();
const PublishedWeights& squeezenet_imagenet_notop();

// Where our cache keeps downloaded weights.
std::string weights_cache_dir();

// A local path to the weights, downloading them if needed (BOTTLENECK_OFFLINE=1 forbids it).
std::string pretrained_weights_path(const PublishedWeights& weights);

}  // namespace bottleneck
