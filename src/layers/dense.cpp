// keras.layers.Dense: a matrix product through oneDNN's sgemm, bias, activation.
#include <cstring>

#include "backend/matmul.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/dense.hpp"
#include "layers/activation_functions.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

DenseLayer::DenseLayer(int64_t units, ActivationKind activation, bool use_bias, std::string name)
    : Layer(std::move(name)), units_(units), activation_(activation), use_bias_(use_bias) {
  if (units <= 0) throw Error("Dense " + this->name() + ": units must be positive, got " + std::to_string(units));
}

Shape DenseLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1 || input_shapes[0].empty())
    throw Error("Dense " + name() + " takes one input with at least one axis");
  Shape out = input_shapes[0];
  if (built_ && out.back() != kernel_.value.dim(0))
    throw Error("Dense " + name() + " was built for " + std::to_string(kernel_.value.dim(0)) +
                " input features, called on shape " + shape_to_string(input_shapes[0]));
  out.back() = units_;
  return out;
}

void DenseLayer::build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const int64_t in = input_shapes.at(0).back();
  kernel_.value = Tensor::uninitialized({in, units_});
  glorot_uniform(kernel_.value, rng);
  kernel_.gradient = Tensor({in, units_});
  if (use_bias_) {
    bias_.value = Tensor({units_});
    bias_.gradient = Tensor({units_});
  }
  built_ = true;
}

Tensor DenseLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  const int64_t in = kernel_.value.dim(0);
  if (x.rank() < 2 || x.dim(-1) != in)
    throw Error("Dense " + name() + " expects (batch, ..., " + std::to_string(in) + "), got " +
                shape_to_string(x.shape()));
  const int64_t rows = x.size() / in;
  Shape out_shape = x.shape();
  out_shape.back() = units_;
  Tensor y = Tensor::uninitialized(out_shape);
  if (use_bias_)
    for (int64_t r = 0; r < rows; ++r) std::memcpy(y.data() + r * units_, bias_.value.data(), units_ * sizeof(float));
  backend::gemm(false, false, rows, units_, in, 1.0f, x.data(), in, kernel_.value.data(), units_, use_bias_ ? 1.0f : 0.0f,
                y.data(), units_);
  const bool keep = backward_follows;
  if (keep && detail::activation_backward_needs_input(activation_)) pre_activation_ = y.clone();
  detail::activate(activation_, y);
  if (keep) {
    input_ = x;
    output_ = y;
  }
  return y;
}

std::vector<Tensor> DenseLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (input_.empty() && output_.empty())
    throw Error("Dense " + name() + ": backward() without a training forward");
  const int64_t in = kernel_.value.dim(0);
  const int64_t rows = output_.size() / units_;
  Tensor g = output_gradient.clone();
  detail::activation_backward(activation_, pre_activation_, output_, g);
  if (trainable) {
    // dKernel += x^T g; dBias += column sums of g.
    backend::gemm(true, false, in, units_, rows, 1.0f, input_.data(), in, g.data(), units_, 1.0f,
                  kernel_.gradient.data(), units_);
    if (use_bias_) {
      float* db = bias_.gradient.data();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < units_; ++j) db[j] += g[r * units_ + j];
    }
  }
  Tensor dx;
  if (need_input_gradients) {
    dx = Tensor::uninitialized(input_.shape());
    backend::gemm(false, true, rows, in, units_, 1.0f, g.data(), units_, kernel_.value.data(), units_, 0.0f, dx.data(), in);
  }
  input_ = Tensor();
  output_ = Tensor();
  pre_activation_ = Tensor();
  return {dx};
}

std::vector<Parameter*> DenseLayer::parameters() {
  if (use_bias_) return {&kernel_, &bias_};
  return {&kernel_};
}

nlohmann::json DenseLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["units"] = units_;
  config["activation"] = activation_to_config(activation_);
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = glorot_uniform_config();
  config["bias_initializer"] = zeros_config();
  for (const char* absent : {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                             "bias_constraint"})
    config[absent] = nullptr;
  return config;
}

LayerPtr DenseLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<DenseLayer>(config.at("units").get<int64_t>(),
                                      activation_from_config(config),
                                      config.value("use_bias", true), config.at("name").get<std::string>());
}

LayerHandle<DenseLayer> Dense(int64_t units, const std::string& activation, std::string name, bool use_bias) {
  return LayerHandle<DenseLayer>(std::make_shared<DenseLayer>(units, parse_activation(activation), use_bias,
                                                              detail::layer_name_or_default(std::move(name), "dense")));
}

}  // namespace bottleneck
