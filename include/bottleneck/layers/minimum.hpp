#pragma once
// keras.layers.Minimum: the elementwise minimum (the gradient goes to the input that holds it).
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class MinimumLayer : public SelectingMergeLayer {
public:
  explicit MinimumLayer(std::string name);

  std::string class_name() const override { return "Minimum"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<MinimumLayer>(config); }
};

LayerHandle<MinimumLayer> Minimum(std::string name = "");

}  // namespace bottleneck
