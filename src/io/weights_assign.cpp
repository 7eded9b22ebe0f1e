// Matching a weight file's layers to a model's: by name, or in order when no name matches
// (Keras' default load_weights). Everything is checked before anything is copied, so a
// failed load leaves the model as it was.
#include <algorithm>
#include <string_view>
#include <utility>

#include "bottleneck/error.hpp"
#include "io/weights_assign.hpp"

namespace bottleneck::detail {

namespace {

using Pairing = std::vector<std::pair<const WeightTarget*, const LayerWeights*>>;

Pairing pair_layers(const WeightsFile& file, const std::vector<const WeightTarget*>& model_layers,
                    const std::string& path) {
  Pairing pairs;
  const bool any_name_matches = std::any_of(model_layers.begin(), model_layers.end(),
                                            [&](const WeightTarget* t) { return file.find(t->layer) != nullptr; });
  if (any_name_matches) {
    for (const WeightTarget* target : model_layers) {
      const LayerWeights* layer = file.find(target->layer);
      if (!layer) throw Error(path + ": the model's layer " + target->layer + " is not in the file");
      pairs.emplace_back(target, layer);
    }
    return pairs;
  }
  std::vector<const LayerWeights*> weighted;
  for (const LayerWeights& layer : file.layers)
    if (!layer.variables.empty()) weighted.push_back(&layer);
  if (weighted.size() != model_layers.size())
    throw Error(path + ": no layer name matches the model's, and the file has " + std::to_string(weighted.size()) +
                " layers with weights where the model has " + std::to_string(model_layers.size()));
  for (size_t i = 0; i < weighted.size(); ++i) pairs.emplace_back(model_layers[i], weighted[i]);
  return pairs;
}

// "block1_conv1", or "block1_conv1 (file layer conv2d)" when paired by order.
std::string describe(const WeightTarget& target, const LayerWeights& layer) {
  return layer.name == target.layer ? target.layer : target.layer + " (file layer " + layer.name + ")";
}

bool names_variable(const std::string& file_name, const std::string& name) {
  std::string_view stored = file_name;
  if (stored.ends_with(":0")) stored.remove_suffix(2);
  return stored == name || (stored.size() > name.size() && stored.ends_with(name) &&
                            stored[stored.size() - name.size() - 1] == '/');
}

// For each destination, the file variable that fills it: by name when every name picks out
// exactly one variable, else in order.
std::vector<const WeightVariable*> sources_for(const WeightTarget& target, const LayerWeights& layer) {
  std::vector<const WeightVariable*> in_order;
  for (const WeightVariable& variable : layer.variables) in_order.push_back(&variable);
  if (target.names.size() != target.destinations.size()) return in_order;
  std::vector<const WeightVariable*> by_name;
  for (const std::string& name : target.names) {
    const WeightVariable* match = nullptr;
    for (const WeightVariable& variable : layer.variables) {
      if (!names_variable(variable.name, name)) continue;
      if (match) return in_order;
      match = &variable;
    }
    if (!match) return in_order;
    by_name.push_back(match);
  }
  return by_name;
}

void check_shapes(const WeightTarget& target, const LayerWeights& layer,
                  const std::vector<const WeightVariable*>& sources, const std::string& path) {
  if (layer.variables.size() != target.destinations.size())
    throw Error(path + ": layer " + describe(target, layer) + " expects " + std::to_string(target.destinations.size()) +
                " weights, the file has " + std::to_string(layer.variables.size()));
  for (size_t i = 0; i < sources.size(); ++i) {
    const Shape& expected = target.destinations[i].shape();
    const Shape& found = sources[i]->value.shape();
    if (expected != found)
      throw Error(path + ": layer " + describe(target, layer) + ", weight " + sources[i]->name +
                  ": expected shape " + shape_to_string(expected) + ", found " + shape_to_string(found));
  }
}

}  // namespace

size_t assign_weights(const WeightsFile& file, const std::vector<WeightTarget>& targets,
                      const std::string& path_for_errors) {
  std::vector<const WeightTarget*> model_layers;
  for (const WeightTarget& target : targets)
    if (!target.destinations.empty()) model_layers.push_back(&target);
  const Pairing pairs = pair_layers(file, model_layers, path_for_errors);
  std::vector<std::vector<const WeightVariable*>> sources;
  for (const auto& [target, layer] : pairs) {
    sources.push_back(sources_for(*target, *layer));
    check_shapes(*target, *layer, sources.back(), path_for_errors);
  }
  for (size_t k = 0; k < pairs.size(); ++k) {
    const WeightTarget& target = *pairs[k].first;
    for (size_t i = 0; i < sources[k].size(); ++i) {
      const Tensor& source = sources[k][i]->value;
      Tensor destination = target.destinations[i];  // shares the model's storage
      std::copy(source.begin(), source.end(), destination.begin());
    }
  }
  return pairs.size();
}

}  // namespace bottleneck::detail
