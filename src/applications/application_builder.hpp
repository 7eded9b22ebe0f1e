#pragma once
// What every application does after laying out its layers: the optional global pooling on
// top, the Model, and its weights.
#include <string>

#include "bottleneck/applications.hpp"

namespace bottleneck {

std::unique_ptr<Model> finish_application(const std::string& model_name, const SymbolicTensor& inputs, SymbolicTensor x,
                         const ApplicationOptions& options);

}  // namespace bottleneck
