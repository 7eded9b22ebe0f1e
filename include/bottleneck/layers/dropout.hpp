#pragma once
// keras.layers.Dropout:  x = Dropout(0.5)(x);
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Dropout(rate): in training, zeroes each value with probability `rate` and scales the kept
// ones by 1 / (1 - rate); identity in inference. The mask comes from a generator seeded at
// build, so a seeded model drops the same units run after run.
class DropoutLayer : public Layer {
public:
  DropoutLayer(double rate, std::string name);

  std::string class_name() const override { return "Dropout"; }
  double rate() const { return rate_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  double rate_;
  Rng rng_;
  Tensor mask_;  // 0 or 1 / (1 - rate) per value, from the last training forward
};

LayerHandle<DropoutLayer> Dropout(double rate, std::string name = "");

}  // namespace bottleneck
