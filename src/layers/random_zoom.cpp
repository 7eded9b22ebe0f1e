// keras.layers.RandomZoom: Keras' default fields for the arguments not given.
#include "bottleneck/layers/random_zoom.hpp"
#include "layers/identity_layer_factory.hpp"

namespace bottleneck {

LayerHandle<RandomZoomLayer> RandomZoom(double height_factor, std::string name) {
  return detail::make_identity_layer<RandomZoomLayer>(std::move(name), "random_zoom", {{"height_factor", height_factor}, {"width_factor", nullptr}, {"fill_mode", "reflect"}, {"interpolation", "bilinear"}, {"seed", nullptr}, {"fill_value", 0.0}});
}

}  // namespace bottleneck
