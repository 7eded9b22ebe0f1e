#pragma once
// keras.layers core: InputLayer, Dense, Dropout, Flatten, Activation. Classes are named
// <Keras name>Layer; the functions named as in Keras create them:
//   auto x = Flatten()(inputs);  x = Dense(256, "relu")(x);  x = Dropout(0.5)(x);
#include <memory>
#include <string>

#include "bottleneck/layer.hpp"

namespace bottleneck {

// What Input() creates: passes the model's input through unchanged.
class InputLayer : public Layer {
public:
  InputLayer(Shape shape, std::string name);

  std::string class_name() const override { return "InputLayer"; }
  const Shape& shape() const { return shape_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  nlohmann::json get_config() const override;  // batch_input_shape, dtype, sparse, name
  static LayerPtr from_config(const nlohmann::json& config);

private:
  Shape shape_;
};

// Activation functions by Keras' names: linear, relu, sigmoid, softmax (last axis), tanh.
enum class ActivationKind { linear, relu, sigmoid, softmax, tanh };
ActivationKind parse_activation(const std::string& name);  // throws Error naming it
std::string activation_name(ActivationKind kind);

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
};

LayerHandle<DenseLayer> Dense(int64_t units, const std::string& activation = "linear",
                              std::string name = "", bool use_bias = true);

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

// Flatten(): (batch, d1, d2, ...) -> (batch, d1 * d2 * ...), row-major (channels_last order).
class FlattenLayer : public Layer {
public:
  explicit FlattenLayer(std::string name);

  std::string class_name() const override { return "Flatten"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  Shape input_shape_;  // of the last forward, with the batch axis
};

LayerHandle<FlattenLayer> Flatten(std::string name = "");

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
};

LayerHandle<ActivationLayer> Activation(const std::string& activation, std::string name = "");

}  // namespace bottleneck
