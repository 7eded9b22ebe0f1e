#pragma once
// What the optimizers share: the chunked update loop, hyperparameters in JSON, and reading
// a Keras optimizer config (one *_from_config per optimizer file, listed in optimizer.cpp).
#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "bottleneck/training/optimizers.hpp"

namespace bottleneck::detail {

// Below this many values a parallel region costs more than it saves.
constexpr int64_t parallel_threshold = 1 << 15;
// Updates run over chunks small enough for their square roots to stay in L1 (vector_sqrt.hpp).
constexpr int64_t chunk_size = 1024;

// body(begin, count) over [0, n) in chunks, in parallel for large parameters. The bodies are
// plain functions of pointers and values, which the compiler vectorises.
template <typename Body>
void for_chunks(int64_t n, const Body& body) {
  const int64_t chunks = (n + chunk_size - 1) / chunk_size;
#pragma omp parallel for schedule(static) if (n > parallel_threshold)
  for (int64_t c = 0; c < chunks; ++c) body(c * chunk_size, std::min(chunk_size, n - c * chunk_size));
}


// A float hyperparameter for JSON as its shortest decimal (0.95, 1e-07, not 0.949999988...).
double json_number(float value);

// What Adadelta and RMSprop share: a decay rate rho and an epsilon, and so their config.
class RhoEpsilonOptimizer : public Optimizer {
public:
  RhoEpsilonOptimizer(float lr, float rho, float epsilon, float decay)
      : Optimizer(lr, decay), rho_(rho), epsilon_(epsilon) {}
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)}, {"rho", json_number(rho_)}, {"decay", json_number(decay)},
            {"epsilon", json_number(epsilon_)}};
  }

protected:
  float rho_, epsilon_;
};

// An optimizer's config as Keras' training_config stores it.
struct OptimizerConfig {
  const nlohmann::json& json;
  // A number, or `fallback` when absent. Keras 2 writes "lr"; tf.keras writes "learning_rate".
  float number(const char* key, float fallback) const;
};

std::shared_ptr<Optimizer> sgd_from_config(const OptimizerConfig& config);
std::shared_ptr<Optimizer> adadelta_from_config(const OptimizerConfig& config);
std::shared_ptr<Optimizer> rmsprop_from_config(const OptimizerConfig& config);
std::shared_ptr<Optimizer> adam_from_config(const OptimizerConfig& config);
std::shared_ptr<Optimizer> adagrad_from_config(const OptimizerConfig& config);

}  // namespace bottleneck::detail
