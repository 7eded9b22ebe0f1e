#pragma once
// Keras' default weight initialisers, shared by every layer with weights.
#include "bottleneck/layers/layer.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

// Keras' fans of a kernel: (in, out) for Dense; for convolutions (kh, kw, in, out) the
// receptive field multiplies both.
struct Fans {
  double fan_in = 0;
  double fan_out = 0;
};
Fans compute_fans(const Shape& kernel_shape);

// glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). Fills in place.
void glorot_uniform(Tensor& kernel, Rng& rng);

// Keras' config of the initialisers above, as model_config stores it.
nlohmann::json glorot_uniform_config();
nlohmann::json zeros_config();

}  // namespace bottleneck
