// keras.layers.RandomHeight: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_height.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomHeightLayer> RandomHeight(double factor, std::string name) {
  return detail::make_identity_layer<RandomHeightLayer>(std::move(name), "random_height", {{"factor", factor}, {"interpolation", "bilinear"}, {"seed", nullptr}});
}

}  // namespace bottleneck
