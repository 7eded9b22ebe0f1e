// keras.layers.RandomRotation: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_rotation.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomRotationLayer> RandomRotation(double factor, std::string name) {
  return detail::make_identity_layer<RandomRotationLayer>(std::move(name), "random_rotation", {{"factor", factor}, {"fill_mode", "reflect"}, {"interpolation", "bilinear"}, {"seed", nullptr}, {"fill_value", 0.0}});
}

}  // namespace bottleneck
