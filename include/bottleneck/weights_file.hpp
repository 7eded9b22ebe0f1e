#pragma once
// Keras HDF5 weight files: reading Keras 1, Keras 2 (save_weights and model.save) and
// Keras 3 (.weights.h5) layouts, and writing Keras 2 files Keras can load.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

// One variable of a layer (kernel, bias, ...), in Keras' own layout (conv kernels HWIO).
struct WeightVariable {
  std::string name;  // as stored in weight_names, e.g. "block1_conv1_W_1:0" or "dense/kernel:0";
                     // Keras 3: "vars/0", "vars/1", ...
  Tensor value;
};

struct LayerWeights {
  std::string name;  // the layer's name; Keras 3: its group's path below /layers without the
                     // "layers/" steps of nested models, e.g. "dense_1" or "functional/conv2d"
  std::vector<WeightVariable> variables;  // trainable first, Keras' order; empty for pools etc.
};

struct WeightsFile {
  std::string format;          // "keras1", "keras2", "keras2-model" or "keras3"
  std::string keras_version;   // empty when the file has none (Keras 1)
  std::string backend;
  std::optional<std::string> model_config;     // model.save files: the JSON
  std::optional<std::string> training_config;  // model.save files: the JSON
  std::vector<LayerWeights> layers;            // every layer in file order, weightless ones too
                                               // (Keras 3: groups in natural order, dense_2 < dense_10)

  const LayerWeights* find(std::string_view layer_name) const;
  // What `bottleneck info FILE` prints: the format and versions, each layer with weights and
  // its variables' shapes, and the total count of parameters.
  std::string summary() const;
};

// The HDF5 library's version, "1.10.8".
std::string hdf5_library_version();

// Throws Error naming the file on anything unreadable: not HDF5, truncated, no Keras layout,
// a listed layer or variable missing, a variable that is not a float32/float64 dataset.
WeightsFile read_weights_file(const std::string& path);
// The same for a weights file held in memory (a .keras archive's model.weights.h5).
WeightsFile read_weights_image(const std::string& image, const std::string& display_path);

// The Keras version the files we write claim: their layout is Keras 2.4's.
inline constexpr const char* written_keras_version = "2.4.0";

// Keras 2 model.save layout: root attributes model_config / training_config / keras_version
// / backend, weights under /model_weights. Written to a temporary name, then renamed.
// keras_version is written_keras_version, backend "tensorflow"; the JSON documents must parse.
void write_keras_model_file(const std::string& path, const std::string& model_config_json,
                            const std::vector<LayerWeights>& layers,
                            const std::string& training_config_json = "");
// Keras 2 save_weights layout (layer_names at the root).
void write_keras_weights_file(const std::string& path, const std::vector<LayerWeights>& layers);

}  // namespace bottleneck
