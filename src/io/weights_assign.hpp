#pragma once
// Matching a weights file's layers to a model's (Model::load_weights).
#include <string>
#include <vector>

#include "bottleneck/tensor.hpp"
#include "bottleneck/weights_file.hpp"

namespace bottleneck::detail {

// What a model expects for one of its weighted layers; values are copied into `destinations`.
struct WeightTarget {
  std::string layer;
  std::vector<Tensor> destinations;  // shapes give the expected shapes; storage is shared
  // Keras' variable names of the destinations ("dense/kernel", "inner_bn/moving_mean"); when
  // each matches one file variable (its name, less ":0", equal or ending in "/" + it), the
  // file's order is not relied on. Empty: in order.
  std::vector<std::string> names = {};
};

// Keras' load_weights for our models: match by layer name (then each weight by its name
// where the file's names allow, else in order); when no name matches at all but
// the numbers of weighted layers agree, pair them in order. Every shape is checked; errors
// name the layer and the expected and found shapes. Returns how many layers were loaded.
size_t assign_weights(const WeightsFile& file, const std::vector<WeightTarget>& targets,
                      const std::string& path_for_errors);

}  // namespace bottleneck::detail
