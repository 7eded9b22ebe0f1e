#pragma once
// keras.layers.Activation:  x = Activation("relu")(x);
#include <string>

#include "bottleneck/layers/activations.hpp"
#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Activation(name): the function alone.
class ActivationLayer : public Layer {
public:
  ActivationLayer(ActivationKind activation, std::string name);

  std::string class_name() const override { return "Activation"; }
  ActivationKind activation() const { return activation_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  ActivationKind activation_;
  Tensor output_;
  Tensor input_;  // kept only for activations whose derivative needs their input
};

LayerHandle<ActivationLayer> Activation(const std::string& activation, std::string name = "");

}  // namespace bottleneck
