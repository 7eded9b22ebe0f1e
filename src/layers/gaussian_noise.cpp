// keras.layers.GaussianNoise: additive noise in training, so the gradient passes unchanged.
#include "bottleneck/layers/gaussian_noise.hpp"

#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

GaussianNoiseLayer::GaussianNoiseLayer(std::string name, nlohmann::json fields)
    : IdentityAtInferenceLayer(std::move(name), std::move(fields)), stddev_(non_negative_field("stddev", 0.0)) {}

Tensor GaussianNoiseLayer::forward_training(const Tensor& x) {
  std::normal_distribution<float> noise(0.0f, static_cast<float>(stddev_));
  Tensor y = x.clone();
  for (float& v : y) v += noise(rng_);
  return y;
}

LayerHandle<GaussianNoiseLayer> GaussianNoise(double stddev, std::string name) {
  return detail::make_identity_layer<GaussianNoiseLayer>(std::move(name), "gaussian_noise",
                                                         {{"stddev", stddev}, {"seed", nullptr}});
}

}  // namespace bottleneck
