// Reading Keras weight files: Keras 1 and 2 (layer_names + weight_names, at the root or
// under /model_weights) and Keras 3 (.weights.h5: /layers/<name>/vars/0, 1, ...).
#include <algorithm>
#include <optional>

#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/hdf5_file.hpp"

namespace bottleneck {

namespace {

// Keras 3 nests a model's layers one group per level; a cycle of hard links would not end.
constexpr int max_keras3_depth = 64;

// Keras' load_attributes_from_hdf5_group: the attribute `name`, or its chunks name0,
// name1, ... when it was too large for one HDF5 object header. nullopt when absent.
std::optional<std::vector<std::string>> read_keras_list(const hdf5::Group& group, const std::string& name) {
  if (group.has_attribute(name)) return group.read_strings(name);
  if (!group.has_attribute(name + "0")) return std::nullopt;
  std::vector<std::string> values;
  for (int chunk = 0; group.has_attribute(name + std::to_string(chunk)); ++chunk) {
    std::vector<std::string> part = group.read_strings(name + std::to_string(chunk));
    values.insert(values.end(), part.begin(), part.end());
  }
  return values;
}

std::string string_or_empty(const hdf5::Group& group, const std::string& attribute) {
  return group.has_attribute(attribute) ? group.read_string(attribute) : std::string();
}

std::optional<std::string> optional_string(const hdf5::Group& group, const std::string& attribute) {
  if (!group.has_attribute(attribute)) return std::nullopt;
  return group.read_string(attribute);
}

bool has_group(const hdf5::Group& parent, const std::string& relative) {
  return parent.has_node(relative) && parent.node_kind(relative) == hdf5::NodeKind::group;
}

// Keras 1 and 2: each listed layer has a group whose weight_names attribute lists its
// variables, stored as datasets at those names relative to the group.
std::vector<LayerWeights> read_listed_layers(const hdf5::Group& weights, const std::vector<std::string>& layer_names) {
  const std::string& file = weights.file_path();
  std::vector<LayerWeights> layers;
  for (const std::string& name : layer_names) {
    if (!has_group(weights, name))
      throw Error(file + ": layer " + name + " is listed in layer_names but " + weights.path_of(name) +
                  " is not a group");
    hdf5::Group group = weights.open_group(name);
    std::optional<std::vector<std::string>> weight_names = read_keras_list(group, "weight_names");
    if (!weight_names) throw Error(file + ": layer group " + group.object_path() + " has no weight_names attribute");
    LayerWeights layer{name, {}};
    for (const std::string& variable : *weight_names) {
      if (!group.has_node(variable))
        throw Error(file + ": variable " + variable + " of layer " + name + " is listed in weight_names but " +
                    group.path_of(variable) + " is missing");
      layer.variables.push_back({variable, group.read_float_dataset(variable)});
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

// Orders "dense_2" before "dense_10", as Keras 3 numbered them when saving; HDF5 lists
// names in byte order.
bool natural_less(const std::string& a, const std::string& b) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      std::string_view x(a.data() + i, i_end - i), y(b.data() + j, j_end - j);
      x.remove_prefix(std::min(x.find_first_not_of('0'), x.size()));
      y.remove_prefix(std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::vector<std::string> naturally_sorted_children(const hdf5::Group& group) {
  std::vector<std::string> names = group.child_names();
  std::stable_sort(names.begin(), names.end(), natural_less);
  return names;
}

// Keras 3 saves each object's variables as <path>/vars/0, 1, ...: a model's layers under
// layers/<snake_case_class>[_N], a layer's sub-objects (a Dense inside an attention layer,
// a Dropout's seed generator) under their attribute names. Every member of a layers/
// group is listed (weightless ones too), models themselves only when they own weights,
// other sub-objects only when they hold float weights. Integer variables of sub-objects are
// state (seed generators), not weights, and are left out; a layer's own (a Normalization
// count) are weights. Names are paths below
// /layers without the layers/ steps: "functional/conv2d".
void read_keras3_object(const hdf5::Group& group, const std::string& name, bool layer_member, int depth,
                        std::vector<LayerWeights>& layers) {
  if (depth > max_keras3_depth)
    throw Error(group.file_path() + ": objects nested deeper than " + std::to_string(max_keras3_depth) + " at " +
                group.object_path());
  LayerWeights layer{name, {}};
  std::vector<std::string> children;
  for (const std::string& child : naturally_sorted_children(group)) {
    if (!has_group(group, child)) continue;
    if (child != "vars") {
      children.push_back(child);
      continue;
    }
    hdf5::Group vars = group.open_group(child);
    for (const std::string& variable : naturally_sorted_children(vars))
      if (layer_member || !vars.holds_integers(variable))
        layer.variables.push_back({"vars/" + variable, vars.read_float_dataset(variable)});
  }
  const bool is_model = std::find(children.begin(), children.end(), "layers") != children.end();
  if (!layer.variables.empty() || (layer_member && !is_model)) layers.push_back(std::move(layer));
  for (const std::string& child : children) {
    hdf5::Group sub = group.open_group(child);
    if (child == "layers") {
      for (const std::string& member : naturally_sorted_children(sub))
        if (has_group(sub, member)) read_keras3_object(sub.open_group(member), name + "/" + member, true, depth + 1, layers);
    } else {
      read_keras3_object(sub, name + "/" + child, false, depth + 1, layers);
    }
  }
}

std::vector<LayerWeights> read_keras3_layers(const hdf5::Group& layers_group) {
  std::vector<LayerWeights> layers;
  for (const std::string& name : naturally_sorted_children(layers_group))
    if (has_group(layers_group, name)) read_keras3_object(layers_group.open_group(name), name, true, 1, layers);
  return layers;
}

// tf.keras 2.15/2.16 on Windows named each object's group by its whole path with backslashes,
// flat at the root: "layers\\sequential\\layers\\conv2d" holding "vars". Named here as
// read_keras3_object names them ("sequential/conv2d"); nullopt when the root has none.
std::optional<std::vector<LayerWeights>> read_flat_keras3_layers(const hdf5::Group& root) {
  std::vector<LayerWeights> layers;
  for (const std::string& child : naturally_sorted_children(root)) {
    if (!child.starts_with("layers\\") || !has_group(root, child)) continue;
    std::string name;
    size_t begin = 0;
    while (begin <= child.size()) {
      size_t end = std::min(child.find('\\', begin), child.size());
      std::string step = child.substr(begin, end - begin);
      if (step != "layers") name += (name.empty() ? "" : "/") + step;
      begin = end + 1;
    }
    read_keras3_object(root.open_group(child), name, true, 1, layers);
  }
  if (layers.empty()) return std::nullopt;
  return layers;
}

// Keras 1.2 wrote keras_version too; its layout is Keras 1's.
std::string keras2_format_or_1(const std::string& keras_version) {
  return keras_version.empty() || keras_version.starts_with("1") ? "keras1" : "keras2";
}

WeightsFile read_weights(const hdf5::File& file, const std::string& path) {
  hdf5::Group root = file.root();
  WeightsFile result;
  if (std::optional<std::vector<std::string>> layer_names = read_keras_list(root, "layer_names")) {
    // save_weights (Keras 2) or the published Keras 1 files.
    result.keras_version = string_or_empty(root, "keras_version");
    result.backend = string_or_empty(root, "backend");
    result.format = keras2_format_or_1(result.keras_version);
    result.layers = read_listed_layers(root, *layer_names);
  } else if (has_group(root, "model_weights")) {
    // model.save: the same layout under /model_weights, the model's JSON at the root.
    hdf5::Group weights = root.open_group("model_weights");
    layer_names = read_keras_list(weights, "layer_names");
    if (!layer_names) throw Error(path + ": /model_weights has no layer_names attribute");
    result.format = "keras2-model";
    result.keras_version = string_or_empty(root.has_attribute("keras_version") ? root : weights, "keras_version");
    result.backend = string_or_empty(root.has_attribute("backend") ? root : weights, "backend");
    result.model_config = optional_string(root, "model_config");
    result.training_config = optional_string(root, "training_config");
    result.layers = read_listed_layers(weights, *layer_names);
  } else if (has_group(root, "layers")) {
    result.format = "keras3";
    result.layers = read_keras3_layers(root.open_group("layers"));
  } else if (std::optional<std::vector<LayerWeights>> flat = read_flat_keras3_layers(root)) {
    result.format = "keras3";
    result.layers = std::move(*flat);
  } else {
    throw Error(path + ": not a Keras weights file (no layer_names, /model_weights or /layers)");
  }
  return result;
}

}  // namespace

const LayerWeights* WeightsFile::find(std::string_view layer_name) const {
  for (const LayerWeights& layer : layers)
    if (layer.name == layer_name) return &layer;
  return nullptr;
}

WeightsFile read_weights_file(const std::string& path) {
  return read_weights(hdf5::File::open_read_only(path), path);
}

WeightsFile read_weights_image(const std::string& image, const std::string& display_path) {
  return read_weights(hdf5::File::open_image(image, display_path), display_path);
}

}  // namespace bottleneck
