// keras.optimizers.Adam, with Keras' epsilon placement.
#include <cmath>

#include "training/optimizers/optimizer_support.hpp"

#include "bottleneck/error.hpp"
#include "training/optimizers/vector_sqrt.hpp"

namespace bottleneck {

namespace {

using namespace detail;

// `step` is Adam's bias-corrected learning rate for this iteration.
void adam_chunk(float* w, float* g, float* m, float* v, int64_t count, float step, float b1, float b2, float eps) {
  float root_v[chunk_size];
  for (int64_t i = 0; i < count; ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    root_v[i] = v[i] = b2 * v[i] + (1.0f - b2) * (g[i] * g[i]);
  }
  sqrt_in_place(root_v, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - step * m[i] / (root_v[i] + eps);
    g[i] = 0.0f;
  }
}

class AdamOptimizer : public Optimizer {
public:
  explicit AdamOptimizer(AdamOptions o)
      : Optimizer(o.lr, o.decay), beta_1_(o.beta_1), beta_2_(o.beta_2), epsilon_(o.epsilon) {}
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)},           {"beta_1", json_number(beta_1_)},
            {"beta_2", json_number(beta_2_)},  {"decay", json_number(decay)},
            {"epsilon", json_number(epsilon_)}, {"amsgrad", false}};
  }

protected:
  int slot_count() const override { return 2; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    const float t = static_cast<float>(iterations + 1);
    const float step = lr_t * (std::sqrt(1.0f - std::pow(beta_2_, t)) / (1.0f - std::pow(beta_1_, t)));
    float *w = p.value.data(), *g = p.gradient.data(), *m = slots[0].data(), *v = slots[1].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      adam_chunk(w + begin, g + begin, m + begin, v + begin, count, step, beta_1_, beta_2_, epsilon_);
    });
  }

private:
  float beta_1_, beta_2_, epsilon_;
};

}  // namespace

std::shared_ptr<Optimizer> Adam(AdamOptions options) { return std::make_shared<AdamOptimizer>(options); }

std::shared_ptr<Optimizer> detail::adam_from_config(const OptimizerConfig& config) {
  AdamOptions d;
  if (config.json.value("amsgrad", false)) throw Error("Adam with amsgrad is not supported");
  return Adam({config.number("lr", d.lr), config.number("beta_1", d.beta_1), config.number("beta_2", d.beta_2),
               config.number("epsilon", d.epsilon), config.number("decay", d.decay)});
}

}  // namespace bottleneck
