#pragma once
// Keras' EfficientNet(width_coefficient, ...) for B0's depth and blocks: the filter counts
// scaled by `width_coefficient` and rounded as Keras' round_filters does (with 1.0 it is
// EfficientNetB0; the tests' fixture is built at 0.125).
#include "bottleneck/applications.hpp"

namespace bottleneck::detail {

std::unique_ptr<Model> efficientnet_b0_layout(const ApplicationOptions& options, double width_coefficient);

}  // namespace bottleneck::detail
