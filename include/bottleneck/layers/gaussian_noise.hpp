#pragma once
// keras.layers.GaussianNoise:  x = GaussianNoise(0.1)(x);
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

// Adds N(0, stddev) noise in training; the identity at inference.
class GaussianNoiseLayer : public IdentityAtInferenceLayer {
public:
  GaussianNoiseLayer(std::string name, nlohmann::json fields);
  std::string class_name() const override { return "GaussianNoise"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<GaussianNoiseLayer>(config); }

protected:
  Tensor forward_training(const Tensor& x) override;

private:
  double stddev_;
};

LayerHandle<GaussianNoiseLayer> GaussianNoise(double stddev, std::string name = "");

}  // namespace bottleneck
