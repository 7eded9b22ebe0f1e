#pragma once
// keras.layers.Subtract: the first input minus the second:  d = Subtract()({a, b});
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class SubtractLayer : public MergeLayer {
public:
  explicit SubtractLayer(std::string name);

  std::string class_name() const override { return "Subtract"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<SubtractLayer>(config); }

protected:
  std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                          const Tensor& output) const override;
};

LayerHandle<SubtractLayer> Subtract(std::string name = "");

}  // namespace bottleneck
