#include "bottleneck/layers/subtract.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

SubtractLayer::SubtractLayer(std::string name)
    : MergeLayer(backend::BinaryOp::subtract, detail::layer_name_or_default(std::move(name), "subtract"), 2) {}

std::vector<Tensor> SubtractLayer::broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& /*inputs*/,
                                               const Tensor& /*output*/) const {
  const Tensor minus_one(Shape(output_gradient.rank(), 1), -1.0f);
  return {output_gradient, backend::binary(backend::BinaryOp::multiply, output_gradient, minus_one)};
}

LayerHandle<SubtractLayer> Subtract(std::string name) {
  return LayerHandle<SubtractLayer>(std::make_shared<SubtractLayer>(std::move(name)));
}

}  // namespace bottleneck
