// keras.optimizers.Adagrad.
#include <cmath>

#include "training/optimizers/optimizer_support.hpp"
#include "training/optimizers/vector_sqrt.hpp"

namespace bottleneck {

namespace {

using namespace detail;

void adagrad_chunk(float* w, float* g, float* a, int64_t count, float lr, float eps) {
  float root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) root_a[i] = a[i] = a[i] + g[i] * g[i];
  sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - lr * g[i] / (root_a[i] + eps);
    g[i] = 0.0f;
  }
}

class AdagradOptimizer : public Optimizer {
public:
  explicit AdagradOptimizer(AdagradOptions o) : Optimizer(o.lr, o.decay), epsilon_(o.epsilon) {}
  std::string class_name() const override { return "Adagrad"; }
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)}, {"epsilon", json_number(epsilon_)},
            {"decay", json_number(decay)}};
  }

protected:
  int slot_count() const override { return 1; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *a = slots[0].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      adagrad_chunk(w + begin, g + begin, a + begin, count, lr_t, epsilon_);
    });
  }

private:
  float epsilon_;
};

}  // namespace

std::shared_ptr<Optimizer> Adagrad(AdagradOptions options) { return std::make_shared<AdagradOptimizer>(options); }

std::shared_ptr<Optimizer> detail::adagrad_from_config(const OptimizerConfig& config) {
  AdagradOptions d;
  return Adagrad({config.number("lr", d.lr), config.number("epsilon", d.epsilon), config.number("decay", d.decay)});
}

}  // namespace bottleneck
