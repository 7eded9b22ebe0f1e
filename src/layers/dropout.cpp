// keras.layers.Dropout: inverted dropout, active in training only, with Keras' noise_shape.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/dropout.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

DropoutLayer::DropoutLayer(double rate, std::string name, NoiseShape noise_shape, std::optional<int64_t> seed)
    : Layer(std::move(name)), rate_(rate), noise_shape_(std::move(noise_shape)), seed_(seed) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw Error("Dropout " + this->name() + ": rate must be in [0, 1), got " + std::to_string(rate));
  for (const std::optional<int64_t>& d : noise_shape_)
    if (d && *d <= 0) throw Error("Dropout " + this->name() + ": noise_shape sizes must be positive");
}

Shape DropoutLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1) throw Error(class_name() + " " + name() + " takes one input");
  return input_shapes[0];
}

void DropoutLayer::build(const std::vector<Shape>& /*input_shapes*/, Rng& rng) {
  rng_.seed(seed_ ? static_cast<uint64_t>(*seed_) : rng());
  built_ = true;
}

Shape DropoutLayer::draw_shape(const Shape& input_shape) const {
  if (noise_shape_.empty()) return input_shape;
  if (noise_shape_.size() != input_shape.size())
    throw Error("Dropout " + name() + ": noise_shape has " + std::to_string(noise_shape_.size()) +
                " axes, the input " + shape_to_string(input_shape));
  Shape shape(input_shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    shape[d] = noise_shape_[d].value_or(input_shape[d]);
    if (shape[d] != 1 && shape[d] != input_shape[d])
      throw Error("Dropout " + name() + ": noise_shape does not broadcast to the input " + shape_to_string(input_shape));
  }
  return shape;
}

Tensor DropoutLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  const Tensor& x = inputs.at(0);
  if (!training || rate_ == 0.0) {
    mask_ = Tensor();  // the identity: a backward pass after it passes the gradient through
    return x;
  }
  Shape draws = draw_shape(x.shape());
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
  std::bernoulli_distribution keep(1.0 - rate_);
  // A share of a batch: the whole batch's draws (as one process draws them), then its rows.
  const bool share_of_rows = batch_share.batch_rows > 0 && (noise_shape_.empty() || !noise_shape_[0]);
  if (share_of_rows) draws[0] = batch_share.batch_rows;
  Tensor draw(draws);
  for (float& m : draw) m = keep(rng_) ? keep_scale : 0.0f;
  if (share_of_rows) {
    draw = draw.slice(batch_share.first_row, batch_share.first_row + x.dim(0));
    draws[0] = x.dim(0);
  }
  // Broadcast the draws over the input: each value reads the draw at its coordinates, with 0
  // on the axes where the draw has size 1.
  Tensor mask = Tensor::uninitialized(x.shape());
  std::vector<int64_t> coordinate(x.rank(), 0), draw_stride(x.rank(), 0);
  for (int64_t d = x.rank() - 1, stride = 1; d >= 0; stride *= draws[d], --d) draw_stride[d] = draws[d] == 1 ? 0 : stride;
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t k = 0;
    for (int d = 0; d < x.rank(); ++d) k += coordinate[d] * draw_stride[d];
    mask[i] = draw[k];
    for (int d = x.rank() - 1; d >= 0 && ++coordinate[d] == x.dim(d); --d) coordinate[d] = 0;
  }
  Tensor y(x.shape());
  for (int64_t i = 0; i < x.size(); ++i) y[i] = x[i] * mask[i];
  if (backward_follows) mask_ = std::move(mask);
  return y;
}

std::vector<Tensor> DropoutLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  if (rate_ == 0.0 || mask_.empty()) return {output_gradient};
  if (mask_.size() != output_gradient.size())
    throw Error(class_name() + " " + name() + ": backward() without a matching training forward");
  Tensor dx(output_gradient.shape());
  for (int64_t i = 0; i < dx.size(); ++i) dx[i] = output_gradient[i] * mask_[i];
  mask_ = Tensor();
  return {dx};
}

nlohmann::json DropoutLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["rate"] = rate_;
  config["noise_shape"] = nullptr;
  if (!noise_shape_.empty()) {
    config["noise_shape"] = nlohmann::json::array();
    for (const std::optional<int64_t>& d : noise_shape_) config["noise_shape"].push_back(d ? nlohmann::json(*d) : nlohmann::json());
  }
  config["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return config;
}

LayerPtr DropoutLayer::from_config(const nlohmann::json& config) {
  NoiseShape noise_shape;
  if (config.contains("noise_shape") && !config["noise_shape"].is_null())
    for (const nlohmann::json& d : config["noise_shape"])
      noise_shape.push_back(d.is_null() ? std::nullopt : std::optional<int64_t>(d.get<int64_t>()));
  return std::make_shared<DropoutLayer>(config.at("rate").get<double>(), config.at("name").get<std::string>(),
                                        std::move(noise_shape), detail::optional_seed(config));
}

LayerHandle<DropoutLayer> Dropout(double rate, std::string name) { return Dropout(rate, NoiseShape{}, std::move(name)); }

LayerHandle<DropoutLayer> Dropout(double rate, NoiseShape noise_shape, std::string name) {
  return LayerHandle<DropoutLayer>(std::make_shared<DropoutLayer>(
      rate, detail::layer_name_or_default(std::move(name), "dropout"), std::move(noise_shape)));
}

}  // namespace bottleneck
