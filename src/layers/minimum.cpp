#include "bottleneck/layers/minimum.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

MinimumLayer::MinimumLayer(std::string name)
    : SelectingMergeLayer(backend::BinaryOp::minimum, detail::layer_name_or_default(std::move(name), "minimum")) {}

LayerHandle<MinimumLayer> Minimum(std::string name) {
  return LayerHandle<MinimumLayer>(std::make_shared<MinimumLayer>(std::move(name)));
}

}  // namespace bottleneck
