#pragma once
// keras.layers.BatchNormalization on the channel (last) axis, as Keras runs and trains it:
//   inference:  gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta
//   training (forward with training=true on a trainable layer): the batch's mean and biased
//   variance over every other axis instead, and moving = moving * momentum + batch * (1 - momentum).
// A layer with trainable=false runs in inference mode always (frozen statistics).
// Weights, Keras' order: gamma (when scale), beta (when center), moving_mean, moving_variance
// (the last two non-trainable). oneDNN's batch_normalization primitive underneath.
#include <memory>
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

namespace backend {
class BatchNormalization;
}

struct BatchNormalizationOptions {
  int64_t axis = -1;  // the channel axis, counted with the batch axis: -1 or the last index
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // beta
  bool scale = true;   // gamma
  std::string name;    // empty: Keras' automatic name (batch_normalization, batch_normalization_1, ...)
};

class BatchNormalizationLayer : public Layer {
public:
  explicit BatchNormalizationLayer(BatchNormalizationOptions options);
  ~BatchNormalizationLayer() override;

  std::string class_name() const override { return "BatchNormalization"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  Parameter& gamma() { return gamma_; }
  Parameter& beta() { return beta_; }
  Parameter& moving_mean() { return moving_mean_; }
  Parameter& moving_variance() { return moving_variance_; }

  // Whether forward(x, training) normalises with the moving statistics (inference mode).
  bool uses_moving_statistics(bool training) const { return !(training && trainable); }
  // Inference mode as one multiply-add per channel, y = x * scale + shift:
  // scale = gamma / sqrt(moving_variance + epsilon), shift = beta - moving_mean * scale.
  void inference_affine(Tensor& scale, Tensor& shift) const;

private:
  int64_t channels() const { return moving_mean_.value.size(); }
  void update_moving_statistics(const Tensor& batch_mean, const Tensor& batch_variance);

  BatchNormalizationOptions options_;
  Parameter gamma_{"gamma", {}, {}};
  Parameter beta_{"beta", {}, {}};
  Parameter moving_mean_{"moving_mean", {}, {}, false};
  Parameter moving_variance_{"moving_variance", {}, {}, false};
  std::unique_ptr<backend::BatchNormalization> normalization_;
  Shape saved_input_shape_;  // of the last forward that kept what backward needs
};

// BatchNormalization({.epsilon = 1.001e-5, .name = "conv1_bn"})
LayerHandle<BatchNormalizationLayer> BatchNormalization(BatchNormalizationOptions options = {});

}  // namespace bottleneck
