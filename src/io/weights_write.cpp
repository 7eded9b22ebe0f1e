// Writing Keras 2 weight files as Keras 2.4 (tf.keras) with h5py 3 writes them, so that
// keras.models.load_model / model.load_weights read them back.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/hdf5_file.hpp"

namespace bottleneck {

namespace {

constexpr const char* written_backend = "tensorflow";
// Keras' HDF5_OBJECT_HEADER_LIMIT: the most bytes it puts in one attribute.
constexpr size_t attribute_limit = 64512;

// Keras' save_attributes_to_hdf5_group: a fixed-length string array, split as
// numpy.array_split does into name0, name1, ... while a part exceeds the limit; an empty
// list is stored as h5py stores [], an empty float64 array.
void write_keras_list(const hdf5::Group& group, const std::string& name, const std::vector<std::string>& values) {
  if (values.empty()) {
    group.write_empty_float64_array(name);
    return;
  }
  size_t longest = 1;
  for (const auto& v : values) longest = std::max(longest, v.size());
  if (longest > attribute_limit)
    throw Error(group.file_path() + ": a name in " + name + " of " + group.object_path() + " is longer than " +
                std::to_string(attribute_limit) + " bytes, more than an HDF5 attribute holds");
  const size_t count = values.size();
  size_t chunks = 1;
  while ((count + chunks - 1) / chunks * longest > attribute_limit) ++chunks;
  if (chunks == 1) {
    group.write_strings(name, values, hdf5::StringStorage::fixed_length);
    return;
  }
  size_t begin = 0;
  for (size_t chunk = 0; chunk < chunks; ++chunk) {
    const size_t size = count / chunks + (chunk < count % chunks ? 1 : 0);  // the first parts get the remainder
    std::vector<std::string> part(values.begin() + begin, values.begin() + begin + size);
    group.write_strings(name + std::to_string(chunk), part, hdf5::StringStorage::fixed_length, longest);
    begin += size;
  }
}

// Keras' save_weights_to_hdf5_group.
void write_layers(const hdf5::Group& group, const std::vector<LayerWeights>& layers) {
  std::vector<std::string> layer_names;
  std::set<std::string> seen;
  for (const LayerWeights& layer : layers) {
    if (layer.name.empty() || layer.name.front() == '/' || !seen.insert(layer.name).second)
      throw Error(group.file_path() + ": layer name '" + layer.name + "' is empty, absolute or repeated");
    layer_names.push_back(layer.name);
  }
  write_keras_list(group, "layer_names", layer_names);
  group.write_string("backend", written_backend, hdf5::StringStorage::variable_length_ascii);
  group.write_string("keras_version", written_keras_version, hdf5::StringStorage::variable_length_ascii);
  for (const LayerWeights& layer : layers) {
    hdf5::Group layer_group = group.create_group(layer.name);
    std::vector<std::string> weight_names;
    for (const WeightVariable& variable : layer.variables) weight_names.push_back(variable.name);
    write_keras_list(layer_group, "weight_names", weight_names);
    for (const WeightVariable& variable : layer.variables) {
      const Tensor& value = variable.value;
      layer_group.write_dataset(variable.name, value.shape(),
                                std::span<const float>(value.data(), static_cast<size_t>(value.size())));
    }
  }
}

// Writes through a temporary name; `fill` receives the root group.
template <typename Fill>
void write_atomically(const std::string& path, Fill fill) {
  AtomicPath target(path);
  hdf5::File file = hdf5::File::create(target.temporary_path(), path);
  fill(file.root());
  file.close();
  target.commit();
}

}  // namespace

void write_keras_weights_file(const std::string& path, const std::vector<LayerWeights>& layers) {
  write_atomically(path, [&](const hdf5::Group& root) { write_layers(root, layers); });
}

void write_keras_model_file(const std::string& path, const std::string& model_config_json,
                            const std::vector<LayerWeights>& layers, const std::string& training_config_json) {
  if (!nlohmann::json::accept(model_config_json)) throw Error(path + ": model_config is not valid JSON");
  if (!training_config_json.empty() && !nlohmann::json::accept(training_config_json))
    throw Error(path + ": training_config is not valid JSON");
  write_atomically(path, [&](const hdf5::Group& root) {
    // Keras stores its version and backend as str, the JSON documents as bytes.
    root.write_string("keras_version", written_keras_version, hdf5::StringStorage::variable_length_utf8);
    root.write_string("backend", written_backend, hdf5::StringStorage::variable_length_utf8);
    root.write_string("model_config", model_config_json, hdf5::StringStorage::variable_length_ascii);
    if (!training_config_json.empty())
      root.write_string("training_config", training_config_json, hdf5::StringStorage::variable_length_ascii);
    write_layers(root.create_group("model_weights"), layers);
  });
}

}  // namespace bottleneck
