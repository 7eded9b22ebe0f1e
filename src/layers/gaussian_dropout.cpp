// keras.layers.GaussianDropout: multiplicative noise in training, which backward() reapplies.
#include "bottleneck/layers/gaussian_dropout.hpp"

#include <cmath>

#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

GaussianDropoutLayer::GaussianDropoutLayer(std::string name, nlohmann::json fields)
    : IdentityAtInferenceLayer(std::move(name), std::move(fields)), rate_(non_negative_field("rate", 0.0)) {}

Tensor GaussianDropoutLayer::forward_training(const Tensor& x) {
  if (!(rate_ > 0.0 && rate_ < 1.0)) return x;
  std::normal_distribution<float> noise(1.0f, static_cast<float>(std::sqrt(rate_ / (1.0 - rate_))));
  Tensor scale(x.shape());
  for (float& s : scale) s = noise(rng_);
  Tensor y = x.clone();
  for (int64_t i = 0; i < y.size(); ++i) y[i] *= scale[i];
  if (backward_follows) gradient_scale_ = std::move(scale);
  return y;
}

LayerHandle<GaussianDropoutLayer> GaussianDropout(double rate, std::string name) {
  return detail::make_identity_layer<GaussianDropoutLayer>(std::move(name), "gaussian_dropout",
                                                           {{"rate", rate}, {"seed", nullptr}});
}

}  // namespace bottleneck
