#pragma once
// Published pretrained weights: found in our cache ($BOTTLENECK_HOME, default
// ~/.cache/bottleneck) or Keras' (~/.keras/models, used as is), else downloaded once,
// hash-checked and cached. Offline, the error says which file to put where.
#include <string>

#include "bottleneck/applications.hpp"

namespace bottleneck::detail {

// Where our cache keeps downloaded weights.
std::string weights_cache_dir();

// A local path to the weights, downloading them if needed (BOTTLENECK_OFFLINE=1 forbids it).
std::string pretrained_weights_path(const PublishedWeights& weights);

}  // namespace bottleneck::detail
