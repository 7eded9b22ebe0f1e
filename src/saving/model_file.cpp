// Models as files: Keras' model_config JSON, model.save / save_weights, load_model and
// model_from_json.
#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/models/sequential.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/weights_assign.hpp"
#include "layers/layer_config.hpp"

namespace bottleneck {

namespace {

std::vector<LayerWeights> layer_weights(const std::vector<LayerPtr>& layers) {
  std::vector<LayerWeights> result;
  for (const LayerPtr& layer : layers) {
    LayerWeights weights{layer->name(), {}};
    for (const Parameter* p : layer->parameters())
      weights.variables.push_back({layer->name() + "/" + p->name + ":0", p->value});
    result.push_back(std::move(weights));
  }
  return result;
}

nlohmann::json training_config(const Model& model) {
  return {{"optimizer_config",
           {{"class_name", model.optimizer()->class_name()}, {"config", model.optimizer()->get_config()}}},
          {"loss", model.loss()->name()},
          {"metrics", model.metrics()},
          {"sample_weight_mode", nullptr},
          {"loss_weights", nullptr}};
}

std::unique_ptr<Model> sequential_from_config(const nlohmann::json& config, uint64_t seed) {
  // Keras 2.0-2.1 stored the layer list alone; 2.2 wraps it with the name.
  const nlohmann::json& layers = config.is_array() ? config : config.at("layers");
  std::string name = config.is_object() ? config.value("name", "sequential") : "sequential";
  auto model = std::make_unique<Sequential>(name, seed);
  for (size_t i = 0; i < layers.size(); ++i) {
    const nlohmann::json& layer_config = layers[i].at("config");
    const std::string layer_name = layer_config.at("name").get<std::string>();
    if (layers[i].at("class_name") == "InputLayer") {
      model->add(Input(detail::shape_after_batch_axis(layer_config.at("batch_input_shape"), layer_name), layer_name));
      continue;
    }
    if (i == 0) {
      if (!layer_config.contains("batch_input_shape"))
        throw Error("Sequential " + name + ": its first layer " + layer_name + " has no batch_input_shape");
      model->add(Input(detail::shape_after_batch_axis(layer_config.at("batch_input_shape"), layer_name), layer_name + "_input"));
    }
    model->add(layer_from_config(layers[i]));
  }
  return model;
}

std::unique_ptr<Model> functional_from_config(const nlohmann::json& config, uint64_t seed) {
  const std::string name = config.value("name", "model");
  std::map<std::string, SymbolicTensor> outputs;  // by layer name
  for (const nlohmann::json& entry : config.at("layers")) {
    const nlohmann::json& layer_config = entry.at("config");
    const std::string layer_name = entry.value("name", layer_config.value("name", ""));
    if (entry.at("class_name") == "InputLayer") {
      outputs[layer_name] = Input(detail::shape_after_batch_axis(layer_config.at("batch_input_shape"), layer_name), layer_name);
      continue;
    }
    const nlohmann::json& inbound = entry.at("inbound_nodes");
    if (inbound.size() != 1)
      throw Error("model " + name + ": layer " + layer_name + " is called " + std::to_string(inbound.size()) +
                  " times (shared layers are not supported)");
    std::vector<SymbolicTensor> inputs;
    for (const nlohmann::json& source : inbound[0]) {
      const std::string source_name = source.at(0).get<std::string>();
      auto found = outputs.find(source_name);
      if (found == outputs.end())
        throw Error("model " + name + ": layer " + layer_name + " reads " + source_name + ", which comes later or is missing");
      inputs.push_back(found->second);
    }
    outputs[layer_name] = call_layer(layer_from_config(entry), inputs);
  }
  const nlohmann::json& input_layers = config.at("input_layers");
  const nlohmann::json& output_layers = config.at("output_layers");
  if (input_layers.size() != 1 || output_layers.size() != 1)
    throw Error("model " + name + ": only models with one input and one output are supported");
  auto endpoint = [&](const nlohmann::json& reference) {
    const std::string layer_name = reference.at(0).get<std::string>();
    auto found = outputs.find(layer_name);
    if (found == outputs.end()) throw Error("model " + name + ": no layer named " + layer_name);
    return found->second;
  };
  return std::make_unique<Model>(endpoint(input_layers[0]), endpoint(output_layers[0]), name, seed);
}

std::unique_ptr<Model> model_from_config(const nlohmann::json& class_and_config, uint64_t seed) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  const nlohmann::json& config = class_and_config.at("config");
  if (class_name == "Sequential") return sequential_from_config(config, seed);
  if (class_name == "Model" || class_name == "Functional") return functional_from_config(config, seed);
  throw Error("unknown model class '" + class_name + "' (known: Sequential, Model)");
}

}  // namespace

nlohmann::json Model::get_config() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const Node& node : nodes_) {
    nlohmann::json inbound = nlohmann::json::array();
    if (!node.inputs.empty()) {
      nlohmann::json call = nlohmann::json::array();
      for (int input : node.inputs)
        call.push_back({nodes_[input].layer->name(), 0, 0, nlohmann::json::object()});
      inbound.push_back(call);
    }
    layers.push_back({{"name", node.layer->name()},
                      {"class_name", node.layer->class_name()},
                      {"config", node.layer->get_config()},
                      {"inbound_nodes", inbound}});
  }
  return {{"name", name_},
          {"layers", layers},
          {"input_layers", {{nodes_.front().layer->name(), 0, 0}}},
          {"output_layers", {{nodes_.back().layer->name(), 0, 0}}}};
}

std::string Model::to_json() const {
  nlohmann::json json{{"class_name", class_name()}, {"config", get_config()}, {"keras_version", written_keras_version},
                      {"backend", "tensorflow"}};
  return json.dump();
}

void Model::save_weights(const std::string& path) const { write_keras_weights_file(path, layer_weights(layers())); }

void Model::save(const std::string& path) const {
  nlohmann::json model_config{{"class_name", class_name()}, {"config", get_config()}};
  write_keras_model_file(path, model_config.dump(), layer_weights(layers()),
                         compiled() ? training_config(*this).dump() : "");
}

void Model::load_weights(const std::string& path) { load_weights(read_weights_file(path), path); }

void Model::load_weights(const WeightsFile& file, const std::string& path_for_errors) {
  std::vector<detail::WeightTarget> targets;
  for (const LayerPtr& layer : layers()) {
    std::vector<Parameter*> parameters = layer->parameters();
    if (parameters.empty()) continue;
    detail::WeightTarget target{layer->name(), {}};
    for (Parameter* p : parameters) target.destinations.push_back(p->value);
    targets.push_back(std::move(target));
  }
  detail::assign_weights(file, targets, path_for_errors);
}

std::unique_ptr<Model> model_from_json(const std::string& json, uint64_t seed) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("model JSON does not parse: ") + e.what());
  }
  return model_from_config(parsed, seed);
}

std::unique_ptr<Model> load_model(const std::string& path) {
  WeightsFile file = read_weights_file(path);
  if (!file.model_config)
    throw Error(path + " holds weights only (no model_config): build the model in code and call load_weights");
  std::unique_ptr<Model> model;
  try {
    model = model_from_config(nlohmann::json::parse(*file.model_config), 0);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": model_config is not a model Keras or bottleneck wrote (" + e.what() + ")");
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  model->load_weights(file, path);
  if (file.training_config && !file.training_config->empty()) {
    try {
      nlohmann::json training = nlohmann::json::parse(*file.training_config);
      std::vector<std::string> metrics;
      if (training.contains("metrics") && training["metrics"].is_array())
        for (const nlohmann::json& metric : training["metrics"]) metrics.push_back(metric.get<std::string>());
      model->compile(optimizer_from_config(training.at("optimizer_config")), training.at("loss").get<std::string>(),
                     metrics);
    } catch (const nlohmann::json::exception& e) {
      throw Error(path + ": training_config is not readable (" + e.what() + ")");
    }
  }
  return model;
}

}  // namespace bottleneck
