#pragma once
// keras.layers.GaussianDropout:  x = GaussianDropout(0.2)(x);
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

// Multiplies by N(1, sqrt(rate / (1 - rate))) noise in training when 0 < rate < 1 (Keras
// leaves other rates alone); the identity at inference.
class GaussianDropoutLayer : public IdentityAtInferenceLayer {
public:
  GaussianDropoutLayer(std::string name, nlohmann::json fields);
  std::string class_name() const override { return "GaussianDropout"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<GaussianDropoutLayer>(config); }

protected:
  Tensor forward_training(const Tensor& x) override;

private:
  double rate_;
};

LayerHandle<GaussianDropoutLayer> GaussianDropout(double rate, std::string name = "");

}  // namespace bottleneck
