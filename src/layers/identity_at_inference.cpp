// The shared part of layers that are the identity at inference.
#include "bottleneck/layers/identity_at_inference.hpp"

#include <cmath>

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"

namespace bottleneck {

IdentityAtInferenceLayer::IdentityAtInferenceLayer(std::string name, nlohmann::json fields)
    : Layer(std::move(name)), fields_(std::move(fields)) {
  if (!fields_.is_object()) throw Error("layer " + this->name() + ": config fields must be an object");
}

nlohmann::json IdentityAtInferenceLayer::own_fields(const nlohmann::json& config) {
  nlohmann::json fields = config;
  for (const char* common : {"name", "trainable", "dtype"}) fields.erase(common);
  return fields;
}

Shape IdentityAtInferenceLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1) throw Error(class_name() + " " + name() + " takes one input");
  return input_shapes[0];
}

void IdentityAtInferenceLayer::build(const std::vector<Shape>& /*input_shapes*/, Rng& rng) {
  auto seed = fields_.find("seed");
  rng_.seed(seed != fields_.end() && seed->is_number_integer() ? seed->get<uint64_t>() : rng());
  built_ = true;
}

Tensor IdentityAtInferenceLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  if (inputs.size() != 1) throw Error(class_name() + " " + name() + " takes one input");
  gradient_scale_ = Tensor();
  return training ? forward_training(inputs[0]) : inputs[0];
}

Tensor IdentityAtInferenceLayer::forward_training(const Tensor& x) { return x; }

std::vector<Tensor> IdentityAtInferenceLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  if (gradient_scale_.empty()) return {output_gradient};
  if (gradient_scale_.size() != output_gradient.size())
    throw Error(class_name() + " " + name() + ": backward() without a matching training forward");
  Tensor dx = output_gradient.clone();
  for (int64_t i = 0; i < dx.size(); ++i) dx[i] *= gradient_scale_[i];
  gradient_scale_ = Tensor();
  return {dx};
}

nlohmann::json IdentityAtInferenceLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config.update(fields_);
  return config;
}

double IdentityAtInferenceLayer::non_negative_field(const char* key, double fallback) const {
  const double value = detail::number_field(fields_, key, fallback, class_name() + " " + name());
  if (value < 0) throw Error(class_name() + " " + name() + ": " + key + " must be >= 0, got " + std::to_string(value));
  return value;
}

}  // namespace bottleneck
