#include "bottleneck/layers/maximum.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

MaximumLayer::MaximumLayer(std::string name)
    : SelectingMergeLayer(backend::BinaryOp::maximum, detail::layer_name_or_default(std::move(name), "maximum")) {}

LayerHandle<MaximumLayer> Maximum(std::string name) {
  return LayerHandle<MaximumLayer>(std::make_shared<MaximumLayer>(std::move(name)));
}

}  // namespace bottleneck
