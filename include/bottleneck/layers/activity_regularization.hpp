#pragma once
// keras.layers.ActivityRegularization(l1, l2): the identity. In training Keras also adds
// l1 * sum|x| + l2 * sum x^2 to the loss; this library's training does not (a frozen base
// never trains it; a trainable one trains without that penalty).
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"

namespace bottleneck {

class ActivityRegularizationLayer : public IdentityAtInferenceLayer {
public:
  using IdentityAtInferenceLayer::IdentityAtInferenceLayer;
  std::string class_name() const override { return "ActivityRegularization"; }
  static LayerPtr from_config(const nlohmann::json& config) { return from_config_as<ActivityRegularizationLayer>(config); }
};

LayerHandle<ActivityRegularizationLayer> ActivityRegularization(double l1 = 0.0, double l2 = 0.0, std::string name = "");

}  // namespace bottleneck
