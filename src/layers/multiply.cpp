#include "bottleneck/layers/multiply.hpp"

#include "backend/broadcast.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

MultiplyLayer::MultiplyLayer(std::string name)
    : MergeLayer(backend::BinaryOp::multiply, detail::layer_name_or_default(std::move(name), "multiply")) {}

std::vector<Tensor> MultiplyLayer::broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                               const Tensor& /*output*/) const {
  // Each input's gradient is the output gradient times the product of the other inputs.
  std::vector<Tensor> gradients;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor g = output_gradient;
    for (size_t j = 0; j < inputs.size(); ++j)
      if (j != i) g = backend::binary(backend::BinaryOp::multiply, g, inputs[j]);
    gradients.push_back(g);
  }
  return gradients;
}

LayerHandle<MultiplyLayer> Multiply(std::string name) {
  return LayerHandle<MultiplyLayer>(std::make_shared<MultiplyLayer>(std::move(name)));
}

}  // namespace bottleneck
