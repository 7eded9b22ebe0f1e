#pragma once
// keras.layers.Multiply: the elementwise product:  x = Multiply()({x, se_gate});
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class MultiplyLayer : public MergeLayer {
public:
  explicit MultiplyLayer(std::string name);

  std::string class_name() const override { return "Multiply"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<MultiplyLayer>(config); }

protected:
  std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                          const Tensor& output) const override;
};

LayerHandle<MultiplyLayer> Multiply(std::string name = "");

}  // namespace bottleneck
