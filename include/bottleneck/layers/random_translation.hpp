#pragma once
// keras.layers.RandomTranslation: Keras shifts images by up to a fraction of their size in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomTranslationLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomTranslation"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomTranslationLayer>(config); }
};

LayerHandle<RandomTranslationLayer> RandomTranslation(double height_factor, double width_factor, std::string name = "");

}  // namespace bottleneck
