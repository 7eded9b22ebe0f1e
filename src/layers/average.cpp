#include "bottleneck/layers/average.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

AverageLayer::AverageLayer(std::string name)
    : MergeLayer(backend::BinaryOp::add, detail::layer_name_or_default(std::move(name), "average")) {}

namespace {
// x / count, as Keras divides the sum by len(inputs).
Tensor divided(const Tensor& x, size_t count) {
  return backend::binary(backend::BinaryOp::divide, x, Tensor(Shape(x.rank(), 1), static_cast<float>(count)));
}
}  // namespace

Tensor AverageLayer::finish(const Tensor& sum, size_t input_count) const { return divided(sum, input_count); }

std::vector<Tensor> AverageLayer::broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                               const Tensor& /*output*/) const {
  return std::vector<Tensor>(inputs.size(), divided(output_gradient, inputs.size()));
}

LayerHandle<AverageLayer> Average(std::string name) {
  return LayerHandle<AverageLayer>(std::make_shared<AverageLayer>(std::move(name)));
}

}  // namespace bottleneck
