// keras.layers.RandomWidth: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_width.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomWidthLayer> RandomWidth(double factor, std::string name) {
  return detail::make_identity_layer<RandomWidthLayer>(std::move(name), "random_width", {{"factor", factor}, {"interpolation", "bilinear"}, {"seed", nullptr}});
}

}  // namespace bottleneck
