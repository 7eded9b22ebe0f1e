#pragma once
// What every network's builder shares: its input from the options, and after laying out its
// layers the optional global pooling on top, the Model, and its weights.
#include "bottleneck/applications.hpp"

namespace bottleneck::detail {

// Input(shape) for options.input_shape or the network's default size, named as Keras names
// it; Error when include_top is asked for or the shape is below the network's minimum.
SymbolicTensor application_input(const Application& application, const ApplicationOptions& options);

std::unique_ptr<Model> finish_application(const Application& application, const SymbolicTensor& inputs,
                                          SymbolicTensor x, const ApplicationOptions& options);

}  // namespace bottleneck::detail
