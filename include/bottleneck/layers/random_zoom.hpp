#pragma once
// keras.layers.RandomZoom: Keras zooms images by up to height_factor in training. Here it is the identity
// at inference (as in Keras) and in training too: the augmentation is not applied.
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class RandomZoomLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "RandomZoom"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<RandomZoomLayer>(config); }
};

LayerHandle<RandomZoomLayer> RandomZoom(double height_factor, std::string name = "");

}  // namespace bottleneck
