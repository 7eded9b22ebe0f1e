#pragma once
// keras.layers.Add: the sum of the inputs:  x = Add()({shortcut, x});
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class AddLayer : public MergeLayer {
public:
  explicit AddLayer(std::string name);

  std::string class_name() const override { return "Add"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<AddLayer>(config); }

protected:
  std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                          const Tensor& output) const override;
};

LayerHandle<AddLayer> Add(std::string name = "");

}  // namespace bottleneck
