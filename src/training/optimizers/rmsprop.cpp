// keras.optimizers.RMSprop.
#include <cmath>

#include "training/optimizers/optimizer_support.hpp"
#include "training/optimizers/vector_sqrt.hpp"

namespace bottleneck {

namespace {

using namespace detail;

void rmsprop_chunk(float* w, float* g, float* a, int64_t count, float lr, float rho, float eps) {
  float root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) root_a[i] = a[i] = rho * a[i] + (1.0f - rho) * (g[i] * g[i]);
  sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - lr * g[i] / (root_a[i] + eps);
    g[i] = 0.0f;
  }
}

class RMSpropOptimizer : public RhoEpsilonOptimizer {
public:
  explicit RMSpropOptimizer(RMSpropOptions o) : RhoEpsilonOptimizer(o.lr, o.rho, o.epsilon, o.decay) {}
  std::string class_name() const override { return "RMSprop"; }

protected:
  int slot_count() const override { return 1; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *a = slots[0].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      rmsprop_chunk(w + begin, g + begin, a + begin, count, lr_t, rho_, epsilon_);
    });
  }
};

}  // namespace

std::shared_ptr<Optimizer> RMSprop(RMSpropOptions options) { return std::make_shared<RMSpropOptimizer>(options); }

std::shared_ptr<Optimizer> detail::rmsprop_from_config(const OptimizerConfig& config) {
  RMSpropOptions d;
  return RMSprop({config.number("lr", d.lr), config.number("rho", d.rho), config.number("epsilon", d.epsilon), config.number("decay", d.decay)});
}

}  // namespace bottleneck
