#include "bottleneck/layers/add.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

AddLayer::AddLayer(std::string name)
    : MergeLayer(backend::BinaryOp::add, detail::layer_name_or_default(std::move(name), "add")) {}

std::vector<Tensor> AddLayer::broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                               const Tensor& /*output*/) const {
  return std::vector<Tensor>(inputs.size(), output_gradient);
}

LayerHandle<AddLayer> Add(std::string name) {
  return LayerHandle<AddLayer>(std::make_shared<AddLayer>(std::move(name)));
}

}  // namespace bottleneck
