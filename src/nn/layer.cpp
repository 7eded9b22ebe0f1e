// The Layer base class defaults, the functional API's symbolic calls and Keras' naming.
#include "bottleneck/layer.hpp"

#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/core.hpp"

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

SymbolicTensor call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs) {
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
  return SymbolicTensor(std::move(node));
}

SymbolicTensor Input(Shape shape, std::string name) {
  for (int64_t d : shape)
    if (d <= 0) throw Error("Input shape " + shape_to_string(shape) + " needs positive dimensions");
  if (name.empty()) name = unique_layer_name("input", /*zero_based=*/false);
  auto node = std::make_shared<SymbolicNode>();
  node->layer = std::make_shared<InputLayer>(shape, std::move(name));
  node->shape = std::move(shape);
  return SymbolicTensor(std::move(node));
}

namespace {
std::map<std::string, int>& name_counters() {
  static std::map<std::string, int> counters;
  return counters;
}
}  // namespace

std::string unique_layer_name(const std::string& snake_case_class, bool zero_based) {
  int count = name_counters()[snake_case_class]++;
  if (zero_based) return count == 0 ? snake_case_class : snake_case_class + "_" + std::to_string(count);
  return snake_case_class + "_" + std::to_string(count + 1);
}

std::string layer_name_or_default(std::string name, const std::string& snake_case_class) {
  return name.empty() ? unique_layer_name(snake_case_class) : name;
}

void clear_session() { name_counters().clear(); }

}  // namespace bottleneck
