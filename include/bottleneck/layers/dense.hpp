#pragma once
// keras.layers.Dense:  x = Dense(256, "relu")(x);
#include <string>

#include "bottleneck/layers/activations.hpp"
#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Dense(units, activation): x (batch, in) @ kernel (in, units) + bias. Inputs of higher rank
// are not flattened (Keras would apply the kernel on the last axis): use Flatten first.
class DenseLayer : public Layer {
public:
  DenseLayer(int64_t units, ActivationKind activation, bool use_bias, std::string name);

  std::string class_name() const override { return "Dense"; }
  int64_t units() const { return units_; }
  ActivationKind activation() const { return activation_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  Parameter& kernel() { return kernel_; }
  Parameter& bias() { return bias_; }

private:
  int64_t units_;
  ActivationKind activation_;
  bool use_bias_;
  Parameter kernel_{"kernel", {}, {}};
  Parameter bias_{"bias", {}, {}};
  Tensor input_;   // kept by a training forward for backward()
  Tensor output_;  // after the activation, whose derivative backward() needs
  Tensor pre_activation_;  // kept only for activations whose derivative needs their input
};

LayerHandle<DenseLayer> Dense(int64_t units, const std::string& activation = "linear",
                              std::string name = "", bool use_bias = true);

}  // namespace bottleneck
