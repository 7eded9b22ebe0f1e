// Models as files: model.save / save_weights, load_weights and load_model for Keras 2 .h5,
// Keras 3 .h5 / .weights.h5 and .keras archives.
#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/models/sequential.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/weights_assign.hpp"
#include "saving/keras_archive.hpp"
#include "saving/model_config.hpp"

namespace bottleneck {

namespace {

// A layer's weights with their Keras variable names, "<layer>/<weight>"; a nested model's are
// its layers', each named after the innermost layer that owns it (as Keras 2 names them).
void named_parameters(Layer& layer, std::vector<std::pair<std::string, Parameter*>>& out) {
  if (auto* model = dynamic_cast<Model*>(&layer)) {
    for (const LayerPtr& inner : model->layers()) named_parameters(*inner, out);
    return;
  }
  for (Parameter* p : layer.parameters()) out.emplace_back(layer.name() + "/" + p->name, p);
}

std::vector<LayerWeights> layer_weights(const std::vector<LayerPtr>& layers) {
  std::vector<LayerWeights> result;
  for (const LayerPtr& layer : layers) {
    LayerWeights weights{layer->name(), {}};
    std::vector<std::pair<std::string, Parameter*>> parameters;
    named_parameters(*layer, parameters);
    for (const auto& [name, p] : parameters) weights.variables.push_back({name + ":0", p->value});
    result.push_back(std::move(weights));
  }
  return result;
}

// Keras' to_snake_case: "GlobalAveragePooling2D" -> "global_average_pooling2d", "ReLU" -> "re_lu".
std::string snake_case(const std::string& name) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  std::string first;  // (.)([A-Z][a-z]+) -> \1_\2
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && upper(name[i]) && i + 1 < name.size() && lower(name[i + 1])) first += '_';
    first += name[i];
  }
  std::string second;  // ([a-z])([A-Z]) -> \1_\2, then lowercase
  for (size_t i = 0; i < first.size(); ++i) {
    if (i > 0 && lower(first[i - 1]) && upper(first[i])) second += '_';
    second += static_cast<char>(upper(first[i]) ? first[i] - 'A' + 'a' : first[i]);
  }
  return second;
}

// Keras 3 files name each layer's weights by its path: the snake_case class name, numbered
// per container in `layers` order ("conv2d", "conv2d_1"), nested models' layers below them
// ("functional/conv2d").
void keras3_targets(const Model& model, const std::string& prefix, std::vector<detail::WeightTarget>& out) {
  std::map<std::string, int> used;
  for (const LayerPtr& layer : model.layers()) {
    auto* nested = dynamic_cast<Model*>(layer.get());
    const std::string base = nested ? snake_case(nested->class_name() == "Sequential" ? "Sequential" : "Functional")
                                    : snake_case(layer->class_name());
    const int count = used[base]++;
    const std::string path = prefix + (count ? base + "_" + std::to_string(count) : base);
    if (nested) {
      keras3_targets(*nested, path + "/", out);
      continue;
    }
    detail::WeightTarget target{path, {}};
    for (Parameter* p : layer->parameters()) target.destinations.push_back(p->value);
    if (!target.destinations.empty()) out.push_back(std::move(target));
  }
}

// Keras 2 files group weights by top-level layer, naming each weight.
std::vector<detail::WeightTarget> keras2_targets(const Model& model) {
  std::vector<detail::WeightTarget> targets;
  for (const LayerPtr& layer : model.layers()) {
    std::vector<std::pair<std::string, Parameter*>> parameters;
    named_parameters(*layer, parameters);
    if (parameters.empty()) continue;
    detail::WeightTarget target{layer->name(), {}};
    for (const auto& [name, p] : parameters) {
      target.destinations.push_back(p->value);
      target.names.push_back(name);
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

std::unique_ptr<Model> model_from_json_text(const std::string& json, const std::string& what, uint64_t seed) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + " does not parse as JSON (" + e.what() + ")");
  }
  try {
    return detail::model_from_config(parsed, seed);
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + " is not a model Keras or bottleneck wrote (" + e.what() + ")");
  }
}

nlohmann::json training_config(const Model& model) {
  return {{"optimizer_config",
           {{"class_name", model.optimizer()->class_name()}, {"config", model.optimizer()->get_config()}}},
          {"loss", model.loss()->name()},
          {"metrics", model.metrics()},
          {"sample_weight_mode", nullptr},
          {"loss_weights", nullptr}};
}

}  // namespace

void Model::save_weights(const std::string& path) const { write_keras_weights_file(path, layer_weights(layers())); }

void Model::save(const std::string& path) const {
  nlohmann::json model_config{{"class_name", class_name()}, {"config", get_config()}};
  write_keras_model_file(path, model_config.dump(), layer_weights(layers()),
                         compiled() ? training_config(*this).dump() : "");
}

void Model::load_weights(const std::string& path) {
  if (detail::is_zip_file(path)) {
    detail::KerasArchive archive = detail::read_keras_archive(path);
    load_weights(read_weights_image(archive.weights_h5, path + ": model.weights.h5"), path);
  } else {
    load_weights(read_weights_file(path), path);
  }
}

void Model::load_weights(const WeightsFile& file, const std::string& path_for_errors) {
  std::vector<detail::WeightTarget> targets;
  if (file.format == "keras3") keras3_targets(*this, "", targets);
  else targets = keras2_targets(*this);
  detail::assign_weights(file, targets, path_for_errors);
}

std::unique_ptr<Model> model_from_json(const std::string& json, uint64_t seed) {
  return model_from_json_text(json, "model JSON", seed);
}

bool holds_model(const std::string& path) {
  return detail::is_zip_file(path) || read_weights_file(path).model_config.has_value();
}

std::unique_ptr<Model> load_model(const std::string& path) {
  if (detail::is_zip_file(path)) {
    detail::KerasArchive archive = detail::read_keras_archive(path);
    std::unique_ptr<Model> model;
    try {
      model = model_from_json_text(archive.config_json, "config.json", 0);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what());
    }
    model->load_weights(read_weights_image(archive.weights_h5, path + ": model.weights.h5"), path);
    return model;
  }
  WeightsFile file = read_weights_file(path);
  if (!file.model_config)
    throw Error(path + " holds weights only (no model_config): build the model in code and call load_weights");
  std::unique_ptr<Model> model;
  try {
    model = model_from_json_text(*file.model_config, "model_config", 0);
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
