#pragma once
// keras.layers.RandomHeight: Keras stretches image height at random in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomHeightLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomHeight"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomHeightLayer>(config); }
};

LayerHandle<RandomHeightLayer> RandomHeight(double factor, std::string name = "");

}  // namespace bottleneck
