#pragma once
// keras.layers.RandomWidth: Keras stretches image width at random in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomWidthLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomWidth"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomWidthLayer>(config); }
};

LayerHandle<RandomWidthLayer> RandomWidth(double factor, std::string name = "");

}  // namespace bottleneck
