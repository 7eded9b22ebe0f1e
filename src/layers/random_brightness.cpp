// keras.layers.RandomBrightness: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_brightness.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomBrightnessLayer> RandomBrightness(double factor, std::string name) {
  return detail::make_identity_layer<RandomBrightnessLayer>(std::move(name), "random_brightness", {{"factor", factor}, {"value_range", {0, 255}}, {"seed", nullptr}});
}

}  // namespace bottleneck
