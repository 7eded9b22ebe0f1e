// keras.layers.RandomContrast: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_contrast.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomContrastLayer> RandomContrast(double factor, std::string name) {
  return detail::make_identity_layer<RandomContrastLayer>(std::move(name), "random_contrast", {{"factor", factor}, {"seed", nullptr}});
}

}  // namespace bottleneck
