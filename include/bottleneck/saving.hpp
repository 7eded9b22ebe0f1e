#pragma once
// keras.saving: models from files and JSON.
#include <memory>
#include <string>

#include "bottleneck/models/model.hpp"

namespace bottleneck {

// keras.models.load_model: a model.save file (ours or Keras 2's) with its architecture,
// weights and, when present, its compile settings.
std::unique_ptr<Model> load_model(const std::string& path);
// Whether the file holds a whole model (a .keras archive, or an .h5 with its model_config) rather
// than weights alone; Error when it is neither readable HDF5 nor a zip.
bool holds_model(const std::string& path);
// keras.models.model_from_json: the architecture only (freshly initialised weights).
std::unique_ptr<Model> model_from_json(const std::string& json, uint64_t seed = 0);

}  // namespace bottleneck
