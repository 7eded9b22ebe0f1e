#include "bottleneck/layers/batch_normalization.hpp"

#include <cmath>

#include "backend/batch_normalization.hpp"
#include "bottleneck/error.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

BatchNormalizationLayer::BatchNormalizationLayer(BatchNormalizationOptions options)
    : Layer(detail::layer_name_or_default(options.name, "batch_normalization")), options_(std::move(options)) {
  const std::string layer = "BatchNormalization '" + name() + "'";
  if (!std::isfinite(options_.epsilon) || options_.epsilon < 0)
    throw Error(layer + ": epsilon must be a non-negative number, got " + std::to_string(options_.epsilon));
  if (!std::isfinite(options_.momentum))
    throw Error(layer + ": momentum must be a number, got " + std::to_string(options_.momentum));
  normalization_ = std::make_unique<backend::BatchNormalization>(static_cast<float>(options_.epsilon));
}

BatchNormalizationLayer::~BatchNormalizationLayer() = default;

Shape BatchNormalizationLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].empty())
    throw Error("BatchNormalization '" + name() + "' expects one input with a channel axis");
  // Keras counts the batch axis, which our shapes leave out: the last axis is rank - 1 + 1.
  const int64_t last = static_cast<int64_t>(in[0].size());
  if (options_.axis != -1 && options_.axis != last)
    throw Error("BatchNormalization '" + name() + "': only the last (channel) axis is supported, got axis " +
                std::to_string(options_.axis) + " for inputs of shape " + shape_to_string(in[0]));
  if (built_ && in[0].back() != channels())
    throw Error("BatchNormalization '" + name() + "' was built for " + std::to_string(channels()) +
                " channels, called on shape " + shape_to_string(in[0]));
  return in[0];
}

void BatchNormalizationLayer::build(const std::vector<Shape>& in, Rng& /*rng*/) {
  compute_output_shape(in);
  const int64_t c = in[0].back();
  if (options_.scale) {
    gamma_.value = Tensor({c}, 1.0f);
    gamma_.gradient = Tensor({c});
  }
  if (options_.center) {
    beta_.value = Tensor({c});
    beta_.gradient = Tensor({c});
  }
  moving_mean_.value = Tensor({c});
  moving_variance_.value = Tensor({c}, 1.0f);
  built_ = true;
}

void BatchNormalizationLayer::update_moving_statistics(const Tensor& batch_mean, const Tensor& batch_variance) {
  // Keras: moving * momentum + batch * (1 - momentum), the factors rounded to float32 as
  // Keras' Python floats are.
  const float keep = static_cast<float>(options_.momentum);
  const float take = static_cast<float>(1.0 - options_.momentum);
  float* mean = moving_mean_.value.data();
  float* variance = moving_variance_.value.data();
  for (int64_t c = 0; c < channels(); ++c) {
    mean[c] = mean[c] * keep + batch_mean[c] * take;
    variance[c] = variance[c] * keep + batch_variance[c] * take;
  }
}

Tensor BatchNormalizationLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  const Tensor& x = inputs.at(0);
  if (!built_) throw Error("BatchNormalization '" + name() + "' is not built");
  if (x.rank() < 2 || x.dim(-1) != channels())
    throw Error("BatchNormalization '" + name() + "' was built for " + std::to_string(channels()) +
                " channels, called on " + shape_to_string(x.shape()));
  const bool keep = backward_follows;
  const bool batch_statistics = training && trainable;
  const Tensor rows = x.reshape({x.size() / channels(), channels()});
  Tensor y;
  if (batch_statistics) {
    Tensor batch_mean, batch_variance;
    y = normalization_->forward(rows, gamma_.value, beta_.value, batch_mean, batch_variance, true, keep);
    update_moving_statistics(batch_mean, batch_variance);
  } else {
    y = normalization_->forward(rows, gamma_.value, beta_.value, moving_mean_.value, moving_variance_.value, false,
                                keep);
  }
  if (keep) saved_input_shape_ = x.shape();
  return y.reshape(x.shape());
}

void BatchNormalizationLayer::inference_affine(Tensor& scale, Tensor& shift) const {
  if (!built_) throw Error("BatchNormalization '" + name() + "' is not built");
  scale = Tensor({channels()});
  shift = Tensor({channels()});
  for (int64_t c = 0; c < channels(); ++c) {
    scale[c] = (options_.scale ? gamma_.value[c] : 1.0f) /
               std::sqrt(moving_variance_.value[c] + static_cast<float>(options_.epsilon));
    shift[c] = (options_.center ? beta_.value[c] : 0.0f) - moving_mean_.value[c] * scale[c];
  }
}

std::vector<Tensor> BatchNormalizationLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (saved_input_shape_.empty()) throw Error("BatchNormalization '" + name() + "': backward() without a training forward");
  if (output_gradient.shape() != saved_input_shape_)
    throw Error("BatchNormalization '" + name() + "' backward: gradient " + shape_to_string(output_gradient.shape()) +
                " for an input of shape " + shape_to_string(saved_input_shape_));
  Tensor input_gradient =
      normalization_->backward(output_gradient.reshape({output_gradient.size() / channels(), channels()}),
                               trainable && options_.scale ? &gamma_.gradient : nullptr,
                               trainable && options_.center ? &beta_.gradient : nullptr);
  if (!need_input_gradients) return {Tensor()};
  return {input_gradient.reshape(saved_input_shape_)};
}

std::vector<Parameter*> BatchNormalizationLayer::parameters() {
  std::vector<Parameter*> all;
  if (options_.scale) all.push_back(&gamma_);
  if (options_.center) all.push_back(&beta_);
  all.push_back(&moving_mean_);
  all.push_back(&moving_variance_);
  return all;
}

nlohmann::json BatchNormalizationLayer::get_config() const {
  const nlohmann::json ones = {{"class_name", "Ones"}, {"config", nlohmann::json::object()}};
  nlohmann::json c = Layer::get_config();
  c["axis"] = options_.axis;
  c["momentum"] = options_.momentum;
  c["epsilon"] = options_.epsilon;
  c["center"] = options_.center;
  c["scale"] = options_.scale;
  c["beta_initializer"] = zeros_config();
  c["gamma_initializer"] = ones;
  c["moving_mean_initializer"] = zeros_config();
  c["moving_variance_initializer"] = ones;
  for (const char* absent : {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"})
    c[absent] = nullptr;
  return c;
}

LayerPtr BatchNormalizationLayer::from_config(const nlohmann::json& c) {
  BatchNormalizationOptions o;
  o.name = c.at("name").get<std::string>();
  const std::string layer = "BatchNormalization '" + o.name + "'";
  // Keras 2 writes the axis as an int, tf.keras 2.x and some Keras 3 files as a one-element list.
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  if (axis.is_array() && axis.size() != 1)
    throw Error(layer + ": normalising over several axes " + axis.dump() + " is not supported");
  o.axis = (axis.is_array() ? axis.at(0) : axis).get<int64_t>();
  if (c.value("renorm", false)) throw Error(layer + ": batch renormalization (renorm=True) is not supported");
  if (c.contains("virtual_batch_size") && !c["virtual_batch_size"].is_null())
    throw Error(layer + ": virtual_batch_size is not supported");
  o.momentum = c.value("momentum", 0.99);
  o.epsilon = c.value("epsilon", 1e-3);
  o.center = c.value("center", true);
  o.scale = c.value("scale", true);
  return std::make_shared<BatchNormalizationLayer>(std::move(o));
}

LayerHandle<BatchNormalizationLayer> BatchNormalization(BatchNormalizationOptions options) {
  return LayerHandle<BatchNormalizationLayer>(std::make_shared<BatchNormalizationLayer>(std::move(options)));
}

}  // namespace bottleneck
