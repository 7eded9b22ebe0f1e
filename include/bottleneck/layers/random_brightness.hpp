#pragma once
// keras.layers.RandomBrightness: Keras shifts brightness at random in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomBrightnessLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomBrightness"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomBrightnessLayer>(config); }
};

LayerHandle<RandomBrightnessLayer> RandomBrightness(double factor, std::string name = "");

}  // namespace bottleneck
