#pragma once
// keras.layers.RandomRotation: Keras rotates images by up to factor * 2 pi in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomRotationLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomRotation"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomRotationLayer>(config); }
};

LayerHandle<RandomRotationLayer> RandomRotation(double factor, std::string name = "");

}  // namespace bottleneck
