// Keras' initialisers: glorot_uniform for kernels (biases start at zero).
#include "layers/initializers.hpp"

#include <cmath>

#include "bottleneck/error.hpp"

namespace bottleneck {

Fans compute_fans(const Shape& kernel_shape) {
  if (kernel_shape.size() < 2)
    throw Error("glorot_uniform needs a kernel of rank 2 or more, got " + shape_to_string(kernel_shape));
  double receptive_field = 1;
  for (size_t i = 0; i + 2 < kernel_shape.size(); ++i) receptive_field *= static_cast<double>(kernel_shape[i]);
  return {static_cast<double>(kernel_shape[kernel_shape.size() - 2]) * receptive_field,
          static_cast<double>(kernel_shape.back()) * receptive_field};
}

void glorot_uniform(Tensor& kernel, Rng& rng) {
  Fans fans = compute_fans(kernel.shape());
  float limit = static_cast<float>(std::sqrt(6.0 / (fans.fan_in + fans.fan_out)));
  std::uniform_real_distribution<float> uniform(-limit, limit);
  for (float& w : kernel) w = uniform(rng);
}

nlohmann::json glorot_uniform_config() {
  return {{"class_name", "VarianceScaling"},
          {"config", {{"scale", 1.0}, {"mode", "fan_avg"}, {"distribution", "uniform"}, {"seed", nullptr}}}};
}

nlohmann::json zeros_config() { return {{"class_name", "Zeros"}, {"config", nlohmann::json::object()}}; }

}  // namespace bottleneck
