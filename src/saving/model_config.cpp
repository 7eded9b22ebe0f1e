// Keras' model configs both ways: Model::get_config writes Keras 2.4's layout (what our .h5
// files hold); model_from_config reads Keras 2 and Keras 3 layouts.
#include "saving/model_config.hpp"

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/models/sequential.hpp"
#include "bottleneck/weights_file.hpp"
#include "layers/layer_config.hpp"

namespace bottleneck {

namespace {

bool is_model_class(const std::string& class_name) {
  return class_name == "Functional" || class_name == "Model" || class_name == "Sequential";
}

// ---------------------------------------------------------------------------------------
// Writing

// Keras 2 numbers a nested model's calls from 1: its node 0 is the model's own graph.
int first_node_index(const Layer& layer) { return dynamic_cast<const Model*>(&layer) ? 1 : 0; }

}  // namespace

nlohmann::json Model::get_config() const {
  // Each layer once, with every call of it; a call's inputs as [layer, node index, 0, kwargs].
  std::map<const Layer*, std::vector<int>> calls;
  std::vector<const Layer*> order;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Layer* layer = nodes_[i].layer.get();
    if (calls.find(layer) == calls.end()) order.push_back(layer);
    calls[layer].push_back(static_cast<int>(i));
  }
  auto reference = [&](int node) {
    const Layer* layer = nodes_[node].layer.get();
    const std::vector<int>& of_layer = calls.at(layer);
    const int k = static_cast<int>(std::find(of_layer.begin(), of_layer.end(), node) - of_layer.begin());
    return std::make_tuple(layer->name(), k + first_node_index(*layer));
  };
  nlohmann::json layers = nlohmann::json::array();
  for (const Layer* layer : order) {
    nlohmann::json inbound = nlohmann::json::array();
    for (int node : calls.at(layer)) {
      if (nodes_[node].inputs.empty()) continue;
      nlohmann::json kwargs = nlohmann::json::object();
      if (nodes_[node].training) kwargs["training"] = *nodes_[node].training;
      nlohmann::json call = nlohmann::json::array();
      for (int input : nodes_[node].inputs) {
        auto [name, index] = reference(input);
        call.push_back({name, index, 0, kwargs});
      }
      inbound.push_back(call);
    }
    layers.push_back({{"name", layer->name()},
                      {"class_name", layer->class_name()},
                      {"config", layer->get_config()},
                      {"inbound_nodes", inbound}});
  }
  auto [input_name, input_index] = reference(0);
  auto [output_name, output_index] = reference(static_cast<int>(nodes_.size()) - 1);
  return {{"name", name()},
          {"layers", layers},
          {"input_layers", {{input_name, input_index, 0}}},
          {"output_layers", {{output_name, output_index, 0}}}};
}

std::string Model::to_json() const {
  nlohmann::json json{{"class_name", class_name()}, {"config", get_config()}, {"keras_version", written_keras_version},
                      {"backend", "tensorflow"}};
  return json.dump();
}

namespace {

// ---------------------------------------------------------------------------------------
// Reading

std::string layer_name_of(const nlohmann::json& entry) {
  if (entry.contains("name") && entry["name"].is_string()) return entry["name"].get<std::string>();
  const nlohmann::json& config = entry.at("config");
  if (config.is_object() && config.contains("name") && config["name"].is_string())
    return config["name"].get<std::string>();
  throw Error("a layer of class " + entry.value("class_name", std::string("?")) + " has no name");
}

// The shape after the batch axis of an InputLayer (Keras 3 batch_shape, Keras 2
// batch_input_shape); a fixed batch size is ignored, as predict must not enforce it.
Shape input_shape_of(const nlohmann::json& config, const std::string& layer) {
  for (const char* key : {"batch_shape", "batch_input_shape"})
    if (config.contains(key) && config[key].is_array()) return detail::shape_after_batch_axis(config[key], layer);
  if (config.contains("input_shape") && config["input_shape"].is_array()) {
    nlohmann::json batch_shape = nlohmann::json::array({nullptr});
    for (const nlohmann::json& d : config["input_shape"]) batch_shape.push_back(d);
    return detail::shape_after_batch_axis(batch_shape, layer);
  }
  throw Error("input " + layer + " has no batch_shape or batch_input_shape");
}

std::shared_ptr<Layer> deserialize_layer(const nlohmann::json& entry, uint64_t seed);

// Lambda layers and users' own classes hold Python code: say so rather than "unknown".
void refuse_python_layers(const nlohmann::json& entry, const std::string& name) {
  const std::string class_name = entry.value("class_name", std::string());
  if (class_name == "Lambda")
    throw Error("layer " + name + " is a Lambda layer: it holds Python code, which cannot run outside Python; "
                "rebuild the model without it (or with built-in layers) and save it again");
  const nlohmann::json registered = entry.value("registered_name", nlohmann::json());
  if (registered.is_string() && registered.get<std::string>().find('>') != std::string::npos)
    throw Error("layer " + name + " is of the custom class " + registered.get<std::string>() +
                ", defined in the user's Python code, which cannot run outside Python");
}

std::shared_ptr<Layer> deserialize_layer(const nlohmann::json& entry, uint64_t seed) {
  const std::string name = layer_name_of(entry);
  refuse_python_layers(entry, name);
  const std::string class_name = entry.at("class_name").get<std::string>();
  if (is_model_class(class_name)) {
    std::shared_ptr<Model> model = detail::model_from_config(entry, seed);
    model->set_name(name);
    model->trainable = entry.at("config").value("trainable", true);
    return model;
  }
  try {
    return layer_from_config(entry);
  } catch (const Error& e) {
    throw Error("layer " + name + ": " + e.what());
  }
}

// One input of a call: [layer, node index, tensor index].
struct TensorReference {
  std::string layer;
  int node_index = 0;
  int tensor_index = 0;
};

struct LayerCall {
  std::vector<TensorReference> inputs;
  std::optional<bool> training;
};

TensorReference keras2_reference(const nlohmann::json& ref) {
  return {ref.at(0).get<std::string>(), ref.at(1).get<int>(), ref.size() > 2 ? ref.at(2).get<int>() : 0};
}

// Keras 3's keras tensors in call arguments, in order (a merge layer takes one list of them).
void collect_keras_tensors(const nlohmann::json& value, std::vector<TensorReference>& out) {
  if (value.is_array()) {
    for (const nlohmann::json& item : value) collect_keras_tensors(item, out);
  } else if (value.is_object() && value.value("class_name", std::string()) == "__keras_tensor__") {
    const nlohmann::json& history = value.at("config").at("keras_history");
    out.push_back({history.at(0).get<std::string>(), history.at(1).get<int>(), history.at(2).get<int>()});
  }
}

std::optional<bool> training_argument(const nlohmann::json& kwargs) {
  if (kwargs.is_object() && kwargs.contains("training") && kwargs["training"].is_boolean())
    return kwargs["training"].get<bool>();
  return std::nullopt;
}

// inbound_nodes in either generation's form.
std::vector<LayerCall> parse_calls(const nlohmann::json& inbound_nodes, bool& keras2_form) {
  std::vector<LayerCall> calls;
  for (const nlohmann::json& node : inbound_nodes) {
    LayerCall call;
    if (node.is_object()) {  // Keras 3: {"args": [...], "kwargs": {...}}
      keras2_form = false;
      collect_keras_tensors(node.value("args", nlohmann::json::array()), call.inputs);
      call.training = training_argument(node.value("kwargs", nlohmann::json::object()));
    } else {  // Keras 2: [[layer, node, tensor, kwargs], ...]
      keras2_form = true;
      for (const nlohmann::json& ref : node) {
        call.inputs.push_back(keras2_reference(ref));
        if (ref.size() > 3 && !call.training) call.training = training_argument(ref[3]);
      }
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

// input_layers / output_layers: one [layer, node, tensor] or a list of them.
std::vector<TensorReference> endpoints(const nlohmann::json& value) {
  if (value.is_array() && !value.empty() && value[0].is_string()) return {keras2_reference(value)};
  std::vector<TensorReference> result;
  for (const nlohmann::json& ref : value) result.push_back(keras2_reference(ref));
  return result;
}

std::unique_ptr<Model> functional_from_config(const nlohmann::json& config, uint64_t seed) {
  const std::string model_name = config.value("name", std::string("model"));
  auto fail = [&](const std::string& why) { return Error("model " + model_name + ": " + why); };

  struct PendingLayer {
    std::string name;
    LayerPtr layer;
    std::vector<LayerCall> calls;
    size_t done = 0;     // calls made so far, in order
    int first_index = 0;  // the config's node index of the first call
  };
  std::vector<PendingLayer> layers;
  std::map<std::string, size_t> by_name;
  std::map<std::tuple<std::string, int>, SymbolicTensor> outputs;  // (layer, config node index)
  for (const nlohmann::json& entry : config.at("layers")) {
    PendingLayer pending;
    pending.name = layer_name_of(entry);
    if (!by_name.emplace(pending.name, layers.size()).second) throw fail("two layers are named " + pending.name);
    if (entry.at("class_name") == "InputLayer") {
      outputs[{pending.name, 0}] = Input(input_shape_of(entry.at("config"), pending.name), pending.name);
    } else {
      pending.layer = deserialize_layer(entry, seed);
      bool keras2_form = false;
      pending.calls = parse_calls(entry.value("inbound_nodes", nlohmann::json::array()), keras2_form);
      pending.first_index = keras2_form && dynamic_cast<Model*>(pending.layer.get()) ? 1 : 0;
    }
    layers.push_back(std::move(pending));
  }
  // Calls in layer order, each once its inputs exist (a shared layer's later call may read a
  // layer listed after it), until none is left or none can be made.
  for (bool progress = true; progress;) {
    progress = false;
    for (PendingLayer& pending : layers) {
      while (pending.done < pending.calls.size()) {
        const LayerCall& call = pending.calls[pending.done];
        std::vector<SymbolicTensor> inputs;
        for (const TensorReference& ref : call.inputs) {
          if (ref.tensor_index != 0)
            throw fail("layer " + pending.name + " reads output " + std::to_string(ref.tensor_index) + " of " +
                       ref.layer + "; layers with several outputs are not supported");
          auto found = outputs.find({ref.layer, ref.node_index});
          if (found == outputs.end()) break;
          inputs.push_back(found->second);
        }
        if (inputs.size() != call.inputs.size() || inputs.empty()) break;
        try {
          outputs[{pending.name, pending.first_index + static_cast<int>(pending.done)}] =
              call_layer(pending.layer, inputs, call.training);
        } catch (const Error& e) {
          throw fail("layer " + pending.name + ": " + e.what());
        }
        ++pending.done;
        progress = true;
      }
    }
  }
  for (const PendingLayer& pending : layers) {
    if (pending.done == pending.calls.size()) continue;
    const LayerCall& call = pending.calls[pending.done];
    if (call.inputs.empty()) throw fail("layer " + pending.name + " is called on no tensor");
    for (const TensorReference& ref : call.inputs)
      if (!outputs.count({ref.layer, ref.node_index})) {
        if (!by_name.count(ref.layer)) throw fail("layer " + pending.name + " reads " + ref.layer + ", which is not in the model");
        throw fail("layer " + pending.name + " reads call " + std::to_string(ref.node_index) + " of " + ref.layer +
                   ", which never happens (dangling or cyclic inbound_nodes)");
      }
  }
  const std::vector<TensorReference> inputs = endpoints(config.at("input_layers"));
  const std::vector<TensorReference> output_refs = endpoints(config.at("output_layers"));
  if (inputs.size() != 1 || output_refs.size() != 1)
    throw fail("it has " + std::to_string(inputs.size()) + " inputs and " + std::to_string(output_refs.size()) +
               " outputs; only models with one input and one output are supported");
  auto endpoint = [&](const TensorReference& ref) {
    auto found = outputs.find({ref.layer, ref.node_index});
    if (found == outputs.end()) throw fail("its input or output " + ref.layer + " is not one of its layers' calls");
    return found->second;
  };
  return std::make_unique<Model>(endpoint(inputs[0]), endpoint(output_refs[0]), model_name, seed);
}

std::unique_ptr<Model> sequential_from_config(const nlohmann::json& config, uint64_t seed) {
  // Keras 2.0-2.1 stored the layer list alone; later versions wrap it with the name.
  const nlohmann::json& layers = config.is_array() ? config : config.at("layers");
  std::string name = config.is_object() ? config.value("name", std::string("sequential")) : "sequential";
  auto model = std::make_unique<Sequential>(name, seed);
  for (size_t i = 0; i < layers.size(); ++i) {
    const nlohmann::json& entry = layers[i];
    const nlohmann::json& layer_config = entry.at("config");
    const std::string layer_name = layer_name_of(entry);
    if (entry.at("class_name") == "InputLayer") {
      model->add(Input(input_shape_of(layer_config, layer_name), layer_name));
      continue;
    }
    if (i == 0) {
      // No InputLayer: the first layer's batch_input_shape, or Keras 3's build_input_shape.
      const nlohmann::json* source = &layer_config;
      if (!layer_config.contains("batch_input_shape") && !layer_config.contains("batch_shape") &&
          config.is_object() && config.contains("build_input_shape"))
        source = &config;
      nlohmann::json shape_config = *source;
      if (source == &config) shape_config = {{"batch_shape", config["build_input_shape"]}};
      try {
        model->add(Input(input_shape_of(shape_config, layer_name), layer_name + "_input"));
      } catch (const Error&) {
        throw Error("Sequential " + name + ": its first layer " + layer_name + " gives no input shape");
      }
    }
    try {
      model->add(deserialize_layer(entry, seed));
    } catch (const Error& e) {
      throw Error("Sequential " + name + ": " + e.what());
    }
  }
  return model;
}

}  // namespace

std::unique_ptr<Model> detail::model_from_config(const nlohmann::json& class_and_config, uint64_t seed) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  const nlohmann::json& config = class_and_config.at("config");
  if (class_name == "Sequential") return sequential_from_config(config, seed);
  if (class_name == "Model" || class_name == "Functional") return functional_from_config(config, seed);
  throw Error("unknown model class '" + class_name + "' (known: Functional, Model, Sequential)");
}

}  // namespace bottleneck
