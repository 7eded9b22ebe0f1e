#pragma once
// keras.layers.Maximum: the elementwise maximum (the gradient goes to the input that holds it).
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class MaximumLayer : public SelectingMergeLayer {
public:
  explicit MaximumLayer(std::string name);

  std::string class_name() const override { return "Maximum"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<MaximumLayer>(config); }
};

LayerHandle<MaximumLayer> Maximum(std::string name = "");

}  // namespace bottleneck
