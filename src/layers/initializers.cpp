// Keras' initialisers: glorot_uniform for kernels (biases start at zero).
#include "layers/initializers.hpp"

#include <omp.h>

#include <cmath>
#include <vector>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {
constexpr int64_t parallel_fill_values = int64_t{1} << 18;
}  // namespace

Fans compute_fans(const Shape& kernel_shape) {
  if (kernel_shape.size() < 2)
    throw Error("glorot_uniform needs a kernel of rank 2 or more, got " + shape_to_string(kernel_shape));
  double receptive_field = 1;
  for (size_t i = 0; i + 2 < kernel_shape.size(); ++i) receptive_field *= static_cast<double>(kernel_shape[i]);
  return {static_cast<double>(kernel_shape[kernel_shape.size() - 2]) * receptive_field,
          static_cast<double>(kernel_shape.back()) * receptive_field};
}

// Each value takes one draw of the engine (a float needs fewer bits than one 64-bit draw), so
// the part of a kernel starting at value i starts from the engine advanced by i draws. discard()
// only twists the engine's state, the cheaper part of a draw, so a large kernel fills in parts
// on the threads with the very values of one loop: a quarter of ResNet50's start-up was here.
void glorot_uniform(Tensor& kernel, Rng& rng) {
  const Fans fans = compute_fans(kernel.shape());
  const float limit = static_cast<float>(std::sqrt(6.0 / (fans.fan_in + fans.fan_out)));
  const std::uniform_real_distribution<float> uniform(-limit, limit);
  const int64_t count = kernel.size();
  const int parts = count >= parallel_fill_values ? omp_get_max_threads() : 1;
  std::vector<Rng> engines(static_cast<size_t>(parts), rng);
  float* values = kernel.data();
#pragma omp parallel for num_threads(parts) schedule(static, 1)
  for (int part = 0; part < parts; ++part) {
    const int64_t begin = count * part / parts, end = count * (part + 1) / parts;
    Rng& engine = engines[static_cast<size_t>(part)];
    engine.discard(static_cast<unsigned long long>(begin));
    std::uniform_real_distribution<float> distribution = uniform;
    for (int64_t i = begin; i < end; ++i) values[i] = distribution(engine);
  }
  rng = engines.back();  // advanced by every value's draw
}

nlohmann::json glorot_uniform_config() {
  return {{"class_name", "VarianceScaling"},
          {"config", {{"scale", 1.0}, {"mode", "fan_avg"}, {"distribution", "uniform"}, {"seed", nullptr}}}};
}

nlohmann::json zeros_config() { return {{"class_name", "Zeros"}, {"config", nlohmann::json::object()}}; }

}  // namespace bottleneck
