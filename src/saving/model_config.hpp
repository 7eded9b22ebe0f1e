#pragma once
// Models from Keras' JSON: Keras 2 (model_config of .h5 files, nested-list inbound_nodes) and
// Keras 3 (.keras config.json, inbound_nodes as {"args", "kwargs"} with keras_history), nested
// Functional/Sequential models, shared layers and the calls' `training` argument.
#include <memory>

#include <nlohmann/json.hpp>

#include "bottleneck/models/model.hpp"

namespace bottleneck::detail {

// {"class_name": "Functional" | "Model" | "Sequential", "config": {...}}; the weights are fresh.
std::unique_ptr<Model> model_from_config(const nlohmann::json& class_and_config, uint64_t seed);

}  // namespace bottleneck::detail
