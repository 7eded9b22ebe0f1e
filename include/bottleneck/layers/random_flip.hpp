#pragma once
// keras.layers.RandomFlip: Keras flips images at random in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomFlipLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomFlip"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomFlipLayer>(config); }
};

LayerHandle<RandomFlipLayer> RandomFlip(std::string mode = "horizontal_and_vertical", std::string name = "");

}  // namespace bottleneck
