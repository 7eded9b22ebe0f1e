#include "backend/concat.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ConcatenateLayer::ConcatenateLayer(std::string name, int axis)
    : Layer(detail::layer_name_or_default(std::move(name), "concatenate")), axis_(axis) {
  built_ = true;
}

int ConcatenateLayer::axis_for_rank(size_t rank) const {
  const int r = static_cast<int>(rank);
  const int axis = axis_ < 0 ? axis_ + r : axis_;
  if (axis < 1 || axis >= r)
    throw Error("Concatenate '" + name() + "': axis " + std::to_string(axis_) + " is " +
                (axis == 0 ? "the batch axis" : "outside inputs of rank " + std::to_string(r)));
  return axis;
}

Shape ConcatenateLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() < 2) throw Error("Concatenate '" + name() + "' needs at least two inputs");
  // Shapes here have no batch axis: Keras' axis 1 is index 0.
  const int axis = axis_for_rank(in[0].size() + 1) - 1;
  Shape out = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    Shape a = out, b = in[i];
    if (b.size() == a.size()) a[axis] = b[axis] = 0;
    if (a != b)
      throw Error("Concatenate '" + name() + "': shapes " + shape_to_string(in[0]) + " and " + shape_to_string(in[i]) +
                  " differ outside axis " + std::to_string(axis_));
    out[axis] += in[i][axis];
  }
  return out;
}

Tensor ConcatenateLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  if (inputs.empty()) throw Error("Concatenate '" + name() + "' needs at least one input");
  const int axis = axis_for_rank(inputs[0].shape().size());
  if (backward_follows) {
    saved_axis_ = axis;
    input_sizes_.clear();
    for (const Tensor& x : inputs) input_sizes_.push_back(x.dim(axis));
  }
  return backend::concat(inputs, axis);
}

std::vector<Tensor> ConcatenateLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return std::vector<Tensor>(input_sizes_.size());
  return backend::split(output_gradient, input_sizes_, saved_axis_);
}

nlohmann::json ConcatenateLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = axis_;
  return c;
}

LayerPtr ConcatenateLayer::from_config(const nlohmann::json& c) {
  return std::make_shared<ConcatenateLayer>(c.at("name").get<std::string>(), c.value("axis", -1));
}

LayerHandle<ConcatenateLayer> Concatenate(std::string name) { return Concatenate(-1, std::move(name)); }

LayerHandle<ConcatenateLayer> Concatenate(int axis, std::string name) {
  return LayerHandle<ConcatenateLayer>(std::make_shared<ConcatenateLayer>(std::move(name), axis));
}

}  // namespace bottleneck
