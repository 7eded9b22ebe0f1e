// keras.layers.RandomFlip: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_flip.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomFlipLayer> RandomFlip(std::string mode, std::string name) {
  return detail::make_identity_layer<RandomFlipLayer>(std::move(name), "random_flip", {{"mode", mode}, {"seed", nullptr}});
}

}  // namespace bottleneck
