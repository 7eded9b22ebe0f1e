// keras.layers.ActivityRegularization: Keras' default fields for the arguments not given.
#include "bottleneck/layers/activity_regularization.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<ActivityRegularizationLayer> ActivityRegularization(double l1, double l2, std::string name) {
  return detail::make_identity_layer<ActivityRegularizationLayer>(std::move(name), "activity_regularization", {{"l1", l1}, {"l2", l2}});
}

}  // namespace bottleneck
