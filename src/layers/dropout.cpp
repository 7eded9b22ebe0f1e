// keras.layers.Dropout: inverted dropout, active in training only.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/dropout.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

DropoutLayer::DropoutLayer(double rate, std::string name) : Layer(std::move(name)), rate_(rate) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw Error("Dropout " + this->name() + ": rate must be in [0, 1), got " + std::to_string(rate));
}

Shape DropoutLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1) throw Error("Dropout " + name() + " takes one input");
  return input_shapes[0];
}

void DropoutLayer::build(const std::vector<Shape>& /*input_shapes*/, Rng& rng) {
  rng_.seed(rng());
  built_ = true;
}

Tensor DropoutLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  const Tensor& x = inputs.at(0);
  if (!training || rate_ == 0.0) return x;
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
  std::bernoulli_distribution keep(1.0 - rate_);
  Tensor mask(x.shape());
  for (float& m : mask) m = keep(rng_) ? keep_scale : 0.0f;
  Tensor y(x.shape());
  for (int64_t i = 0; i < x.size(); ++i) y[i] = x[i] * mask[i];
  if (backward_follows) mask_ = std::move(mask);
  return y;
}

std::vector<Tensor> DropoutLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  if (rate_ == 0.0) return {output_gradient};
  if (mask_.size() != output_gradient.size())
    throw Error("Dropout " + name() + ": backward() without a matching training forward");
  Tensor dx(output_gradient.shape());
  for (int64_t i = 0; i < dx.size(); ++i) dx[i] = output_gradient[i] * mask_[i];
  mask_ = Tensor();
  return {dx};
}

nlohmann::json DropoutLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["rate"] = rate_;
  config["noise_shape"] = nullptr;
  config["seed"] = nullptr;
  return config;
}

LayerPtr DropoutLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<DropoutLayer>(config.at("rate").get<double>(), config.at("name").get<std::string>());
}

LayerHandle<DropoutLayer> Dropout(double rate, std::string name) {
  return LayerHandle<DropoutLayer>(
      std::make_shared<DropoutLayer>(rate, detail::layer_name_or_default(std::move(name), "dropout")));
}

}  // namespace bottleneck
