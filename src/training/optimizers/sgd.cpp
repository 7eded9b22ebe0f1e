// keras.optimizers.SGD: momentum and Nesterov momentum.
#include <cmath>

#include "training/optimizers/optimizer_support.hpp"

namespace bottleneck {

namespace {

using namespace detail;

void sgd_chunk(float* w, float* g, float* v, int64_t count, float lr, float momentum, bool nesterov) {
  for (int64_t i = 0; i < count; ++i) {
    v[i] = momentum * v[i] - lr * g[i];
    w[i] = nesterov ? w[i] + (momentum * v[i] - lr * g[i]) : w[i] + v[i];
    g[i] = 0.0f;
  }
}

class SGDOptimizer : public Optimizer {
public:
  explicit SGDOptimizer(SGDOptions o) : Optimizer(o.lr, o.decay), momentum_(o.momentum), nesterov_(o.nesterov) {}
  std::string class_name() const override { return "SGD"; }
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)},
            {"momentum", json_number(momentum_)},
            {"decay", json_number(decay)},
            {"nesterov", nesterov_}};
  }

protected:
  int slot_count() const override { return 1; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *v = slots[0].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      sgd_chunk(w + begin, g + begin, v + begin, count, lr_t, momentum_, nesterov_);
    });
  }

private:
  float momentum_;
  bool nesterov_;
};

}  // namespace

std::shared_ptr<Optimizer> SGD(SGDOptions options) { return std::make_shared<SGDOptimizer>(options); }

std::shared_ptr<Optimizer> detail::sgd_from_config(const OptimizerConfig& config) {
  SGDOptions d;
  return SGD({config.number("lr", d.lr), config.number("momentum", d.momentum), config.number("decay", d.decay),
              config.json.value("nesterov", d.nesterov)});
}

}  // namespace bottleneck
