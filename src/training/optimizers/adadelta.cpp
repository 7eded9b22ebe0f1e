// keras.optimizers.Adadelta.
#include <cmath>

#include "training/optimizers/optimizer_support.hpp"
#include "training/optimizers/vector_sqrt.hpp"

namespace bottleneck {

namespace {

using namespace detail;

// Keras' Adadelta on `count` weights: the new accumulator a and the old delta accumulator u.
void adadelta_chunk(float* w, float* g, float* a, float* u, int64_t count, float lr, float rho, float eps) {
  float root_u[chunk_size], root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) {
    a[i] = rho * a[i] + (1.0f - rho) * (g[i] * g[i]);
    root_u[i] = u[i] + eps;
    root_a[i] = a[i] + eps;
  }
  sqrt_in_place(root_u, count);
  sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    const float d = g[i] * root_u[i] / root_a[i];
    w[i] = w[i] - lr * d;
    u[i] = rho * u[i] + (1.0f - rho) * (d * d);
    g[i] = 0.0f;
  }
}

class AdadeltaOptimizer : public RhoEpsilonOptimizer {
public:
  explicit AdadeltaOptimizer(AdadeltaOptions o) : RhoEpsilonOptimizer(o.lr, o.rho, o.epsilon, o.decay) {}
  std::string class_name() const override { return "Adadelta"; }

protected:
  int slot_count() const override { return 2; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *a = slots[0].data(), *u = slots[1].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      adadelta_chunk(w + begin, g + begin, a + begin, u + begin, count, lr_t, rho_, epsilon_);
    });
  }
};

}  // namespace

std::shared_ptr<Optimizer> Adadelta(AdadeltaOptions options) { return std::make_shared<AdadeltaOptimizer>(options); }

std::shared_ptr<Optimizer> detail::adadelta_from_config(const OptimizerConfig& config) {
  AdadeltaOptions d;
  return Adadelta({config.number("lr", d.lr), config.number("rho", d.rho), config.number("epsilon", d.epsilon), config.number("decay", d.decay)});
}

}  // namespace bottleneck
