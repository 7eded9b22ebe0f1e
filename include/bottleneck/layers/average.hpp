#pragma once
// keras.layers.Average: the elementwise mean of the inputs:  y = Average()({a, b});
#include <string>

#include "bottleneck/layers/merge.hpp"

namespace bottleneck {

class AverageLayer : public MergeLayer {
public:
  explicit AverageLayer(std::string name);

  std::string class_name() const override { return "Average"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_of<AverageLayer>(config); }

protected:
  Tensor finish(const Tensor& sum, size_t input_count) const override;
  std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                          const Tensor& output) const override;
};

LayerHandle<AverageLayer> Average(std::string name = "");

}  // namespace bottleneck
