// keras.Sequential: a Model whose graph grows one layer at a time.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/models/sequential.hpp"

namespace bottleneck {

Sequential::Sequential(std::string name, uint64_t seed) : Model(std::move(name), seed) {}

Sequential::Sequential(const SymbolicTensor& input, const std::vector<LayerPtr>& layers, std::string name,
                       uint64_t seed)
    : Model(std::move(name), seed) {
  add(input);
  for (const LayerPtr& layer : layers) add(layer);
}

void Sequential::add(const SymbolicTensor& input) {
  if (sequence_input_.node()) throw Error("Sequential " + name() + " already has an input");
  if (!input.node() || !dynamic_cast<const InputLayer*>(input.node()->layer.get()))
    throw Error("Sequential " + name() + ": add(SymbolicTensor) takes an Input(shape)");
  sequence_input_ = sequence_output_ = input;
  set_graph(sequence_input_, sequence_output_);
}

void Sequential::add(const LayerPtr& layer) {
  if (!layer) throw Error("Sequential " + name() + ": adding an empty layer");
  if (!sequence_input_.node())
    throw Error("Sequential " + name() + ": add an Input(shape) before layer " + layer->name() +
                " (Keras' input_shape argument)");
  SymbolicTensor output = call_layer(layer, {sequence_output_});
  set_graph(sequence_input_, output);
  sequence_output_ = output;
}

std::vector<LayerPtr> Sequential::layers() const {
  std::vector<LayerPtr> all = Model::layers();
  if (!all.empty()) all.erase(all.begin());  // Keras' Sequential.layers hides the InputLayer
  return all;
}

nlohmann::json Sequential::get_config() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerPtr& layer : this->layers())
    layers.push_back({{"class_name", layer->class_name()}, {"config", layer->get_config()}});
  // Keras 2.2 rebuilds the input from the first layer's batch_input_shape.
  if (!layers.empty()) {
    nlohmann::json batch_input_shape = nlohmann::json::array({nullptr});
    for (int64_t d : input_shape()) batch_input_shape.push_back(d);
    layers[0]["config"]["batch_input_shape"] = batch_input_shape;
  }
  return {{"name", name()}, {"layers", layers}};
}

}  // namespace bottleneck
