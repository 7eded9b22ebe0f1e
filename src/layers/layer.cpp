// The Layer base class defaults and the functional API's symbolic calls.
#include "bottleneck/layers/layer.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck {

void Layer::build(const std::vector<Shape>& /*input_shapes*/, Rng& /*rng*/) { built_ = true; }

std::vector<Tensor> Layer::backward(const Tensor& /*output_gradient*/, bool /*need_input_gradients*/) {
  throw Error("layer " + name_ + " (" + class_name() + ") cannot be trained through: it has no backward pass");
}

int64_t Layer::count_params() {
  int64_t count = 0;
  for (const Parameter* p : parameters()) count += p->value.size();
  return count;
}

nlohmann::json Layer::get_config() const {
  return {{"name", name_}, {"trainable", trainable}, {"dtype", "float32"}};
}

const Shape& SymbolicTensor::shape() const {
  if (!node_) throw Error("symbolic tensor is empty: it was not produced by Input() or a layer call");
  return node_->shape;
}

SymbolicTensor call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs,
                          std::optional<bool> training) {
  if (!layer) throw Error("calling an empty layer handle");
  if (inputs.empty()) throw Error("layer " + layer->name() + " called on no inputs");
  std::vector<Shape> shapes;
  for (const SymbolicTensor& x : inputs) {
    if (!x.node()) throw Error("layer " + layer->name() + " called on an empty symbolic tensor");
    shapes.push_back(x.shape());
  }
  auto node = std::make_shared<SymbolicNode>();
  node->layer = layer;
  node->inputs = inputs;
  node->shape = layer->compute_output_shape(shapes);
  node->training = training;
  return SymbolicTensor(std::move(node));
}

}  // namespace bottleneck
