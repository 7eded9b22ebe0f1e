#pragma once
// keras.layers.RandomContrast: Keras scales each image's contrast at random in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomContrastLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomContrast"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomContrastLayer>(config); }
};

LayerHandle<RandomContrastLayer> RandomContrast(double factor, std::string name = "");

}  // namespace bottleneck
