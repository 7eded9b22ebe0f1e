#include "backend/concat.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ConcatenateLayer::ConcatenateLayer(std::string name)
    : Layer(detail::layer_name_or_default(std::move(name), "concatenate")) {
  built_ = true;
}

Shape ConcatenateLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() < 2) throw Error("Concatenate '" + name() + "' needs at least two inputs");
  Shape out = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i].size() != out.size() || !std::equal(out.begin(), out.end() - 1, in[i].begin()))
      throw Error("Concatenate '" + name() + "': shapes " + shape_to_string(in[0]) + " and " + shape_to_string(in[i]) +
                  " differ outside the last axis");
    out.back() += in[i].back();
  }
  return out;
}

Tensor ConcatenateLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  if (backward_follows) {
    input_channels_.clear();
    for (const Tensor& x : inputs) input_channels_.push_back(x.dim(-1));
  }
  return backend::concat_channels(inputs);
}

std::vector<Tensor> ConcatenateLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return std::vector<Tensor>(input_channels_.size());
  return backend::split_channels(output_gradient, input_channels_);
}

nlohmann::json ConcatenateLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = -1;
  return c;
}

LayerPtr ConcatenateLayer::from_config(const nlohmann::json& c) {
  int axis = c.value("axis", -1);
  if (axis != -1 && axis != 3) throw Error("Concatenate '" + c.at("name").get<std::string>() + "': only the channel axis is supported");
  return std::make_shared<ConcatenateLayer>(c.at("name").get<std::string>());
}

LayerHandle<ConcatenateLayer> Concatenate(std::string name) {
  return LayerHandle<ConcatenateLayer>(std::make_shared<ConcatenateLayer>(std::move(name)));
}

}  // namespace bottleneck
