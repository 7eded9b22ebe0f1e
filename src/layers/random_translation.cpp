// keras.layers.RandomTranslation: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_translation.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomTranslationLayer> RandomTranslation(double height_factor, double width_factor, std::string name) {
  return detail::make_identity_layer<RandomTranslationLayer>(std::move(name), "random_translation", {{"height_factor", height_factor}, {"width_factor", width_factor}, {"fill_mode", "reflect"}, {"interpolation", "bilinear"}, {"seed", nullptr}, {"fill_value", 0.0}});
}

}  // namespace bottleneck
