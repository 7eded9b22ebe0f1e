#pragma once
// dlib's test_layer() for our layers: backward() against central finite differences of
// forward(), for every input and every parameter, with no fixture. The scalar probed is
// sum(forward(x) * w) for fixed random w, so dLoss/dOutput = w.
#include <cstdint>
#include <vector>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck::testing {

struct GradientCheckOptions {
  uint64_t seed = 1;
  double step = 1e-3;       // of the central differences
  double tolerance = 2e-3;  // |analytic - numeric| <= tolerance * max(1, |numeric|)
  // The mode of every forward, the one backward follows and the probes: inference by default;
  // training for what a layer computes only then (BatchNormalization's batch statistics).
  bool training = false;
};

// Builds `layer` for `input_shapes` (without the batch axis) when not built, draws a batch of
// two random inputs in [-1, 1], and checks every input gradient and the gradient of every
// trainable parameter (none when the layer is frozen: backward adds none then).
// Reports failures through GoogleTest; returns how many values it checked.
int64_t check_layer_gradients(Layer& layer, const std::vector<Shape>& input_shapes,
                              const GradientCheckOptions& options = {});

}  // namespace bottleneck::testing
