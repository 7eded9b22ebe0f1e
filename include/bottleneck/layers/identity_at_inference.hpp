#pragma once
// The base of Keras layers that return their input unchanged at inference: noise and
// regularisation layers (GaussianNoise, GaussianDropout, ActivityRegularization) and the
// augmentation layers users leave in saved image models (RandomFlip, RandomRotation, ...).
// Their config fields are kept as written, so every config Keras accepts loads and saves back.
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class IdentityAtInferenceLayer : public Layer {
public:
  // `fields`: the layer's own config fields (besides name, trainable and dtype).
  IdentityAtInferenceLayer(std::string name, nlohmann::json fields);

  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  // Inference: the input itself. Training: forward_training().
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  // The gradient through, scaled by the multiplicative noise of the last training forward.
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  const nlohmann::json& fields() const { return fields_; }

  // from_config for each subclass L: the config's own fields kept.
  template <typename L>
  static LayerPtr from_config_as(const nlohmann::json& config) {
    return std::make_shared<L>(config.at("name").get<std::string>(), own_fields(config));
  }

protected:
  // What a training forward returns. The default is the input: the augmentation layers do not
  // augment here (use ImageDataGenerator's augmentation for that).
  virtual Tensor forward_training(const Tensor& x);
  // A number field of the config (`fallback` when absent or null), checked finite and >= 0.
  double non_negative_field(const char* key, double fallback) const;

  Rng rng_;  // seeded at build, from the config's seed when it gives one
  Tensor gradient_scale_;  // set by forward_training when the noise multiplies

private:
  static nlohmann::json own_fields(const nlohmann::json& config);
  nlohmann::json fields_;
};

}  // namespace bottleneck
