// keras.optimizers: Keras 2's update rules in float32, one fused pass per parameter that also
// zeroes the gradient for the next step.
#include "bottleneck/optimizers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cmath>

#include "bottleneck/error.hpp"
#include "nn/vector_sqrt.hpp"

namespace bottleneck {

namespace {
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

void sgd_chunk(float* w, float* g, float* v, int64_t count, float lr, float momentum, bool nesterov) {
  for (int64_t i = 0; i < count; ++i) {
    v[i] = momentum * v[i] - lr * g[i];
    w[i] = nesterov ? w[i] + (momentum * v[i] - lr * g[i]) : w[i] + v[i];
    g[i] = 0.0f;
  }
}

// Keras' Adadelta on `count` weights: the new accumulator a and the old delta accumulator u.
void adadelta_chunk(float* w, float* g, float* a, float* u, int64_t count, float lr, float rho, float eps) {
  float root_u[chunk_size], root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) {
    a[i] = rho * a[i] + (1.0f - rho) * (g[i] * g[i]);
    root_u[i] = u[i] + eps;
    root_a[i] = a[i] + eps;
  }
  nn::sqrt_in_place(root_u, count);
  nn::sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    const float d = g[i] * root_u[i] / root_a[i];
    w[i] = w[i] - lr * d;
    u[i] = rho * u[i] + (1.0f - rho) * (d * d);
    g[i] = 0.0f;
  }
}

void rmsprop_chunk(float* w, float* g, float* a, int64_t count, float lr, float rho, float eps) {
  float root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) root_a[i] = a[i] = rho * a[i] + (1.0f - rho) * (g[i] * g[i]);
  nn::sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - lr * g[i] / (root_a[i] + eps);
    g[i] = 0.0f;
  }
}

// `step` is Adam's bias-corrected learning rate for this iteration.
void adam_chunk(float* w, float* g, float* m, float* v, int64_t count, float step, float b1, float b2, float eps) {
  float root_v[chunk_size];
  for (int64_t i = 0; i < count; ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    root_v[i] = v[i] = b2 * v[i] + (1.0f - b2) * (g[i] * g[i]);
  }
  nn::sqrt_in_place(root_v, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - step * m[i] / (root_v[i] + eps);
    g[i] = 0.0f;
  }
}

void adagrad_chunk(float* w, float* g, float* a, int64_t count, float lr, float eps) {
  float root_a[chunk_size];
  for (int64_t i = 0; i < count; ++i) root_a[i] = a[i] = a[i] + g[i] * g[i];
  nn::sqrt_in_place(root_a, count);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = w[i] - lr * g[i] / (root_a[i] + eps);
    g[i] = 0.0f;
  }
}

// A float hyperparameter for JSON as its shortest decimal (0.95, 1e-07, not 0.949999988...).
double json_number(float value) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return std::strtod(std::string(text, end).c_str(), nullptr);
}
}  // namespace

void Optimizer::apply_gradients(const std::vector<Parameter*>& parameters) {
  float lr_t = lr;
  if (decay > 0.0f) lr_t = lr * (1.0f / (1.0f + decay * static_cast<float>(iterations)));
  for (Parameter* p : parameters) {
    std::vector<Tensor>& slots = slots_[p];
    if (slots.empty())
      for (int i = 0; i < slot_count(); ++i) slots.emplace_back(p->value.shape());
    update(*p, slots, lr_t);
  }
  ++iterations;
}

namespace {

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

class AdadeltaOptimizer : public Optimizer {
public:
  explicit AdadeltaOptimizer(AdadeltaOptions o) : Optimizer(o.lr, o.decay), rho_(o.rho), epsilon_(o.epsilon) {}
  std::string class_name() const override { return "Adadelta"; }
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)},
            {"rho", json_number(rho_)},
            {"decay", json_number(decay)},
            {"epsilon", json_number(epsilon_)}};
  }

protected:
  int slot_count() const override { return 2; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *a = slots[0].data(), *u = slots[1].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      adadelta_chunk(w + begin, g + begin, a + begin, u + begin, count, lr_t, rho_, epsilon_);
    });
  }

private:
  float rho_, epsilon_;
};

class RMSpropOptimizer : public Optimizer {
public:
  explicit RMSpropOptimizer(RMSpropOptions o) : Optimizer(o.lr, o.decay), rho_(o.rho), epsilon_(o.epsilon) {}
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override {
    return {{"lr", json_number(lr)},
            {"rho", json_number(rho_)},
            {"decay", json_number(decay)},
            {"epsilon", json_number(epsilon_)}};
  }

protected:
  int slot_count() const override { return 1; }
  void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) override {
    float *w = p.value.data(), *g = p.gradient.data(), *a = slots[0].data();
    for_chunks(p.value.size(), [&](int64_t begin, int64_t count) {
      rmsprop_chunk(w + begin, g + begin, a + begin, count, lr_t, rho_, epsilon_);
    });
  }

private:
  float rho_, epsilon_;
};

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

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::shared_ptr<Optimizer> SGD(SGDOptions options) { return std::make_shared<SGDOptimizer>(options); }
std::shared_ptr<Optimizer> Adadelta(AdadeltaOptions options) { return std::make_shared<AdadeltaOptimizer>(options); }
std::shared_ptr<Optimizer> RMSprop(RMSpropOptions options) { return std::make_shared<RMSpropOptimizer>(options); }
std::shared_ptr<Optimizer> Adam(AdamOptions options) { return std::make_shared<AdamOptimizer>(options); }
std::shared_ptr<Optimizer> Adagrad(AdagradOptions options) { return std::make_shared<AdagradOptimizer>(options); }

std::shared_ptr<Optimizer> get_optimizer(const std::string& name) {
  const std::string key = lower(name);
  if (key == "sgd") return SGD();
  if (key == "adadelta") return Adadelta();
  if (key == "rmsprop") return RMSprop();
  if (key == "adam") return Adam();
  if (key == "adagrad") return Adagrad();
  throw Error("unknown optimizer '" + name + "' (known: sgd, adadelta, rmsprop, adam, adagrad)");
}

std::shared_ptr<Optimizer> optimizer_from_config(const nlohmann::json& class_and_config) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  const nlohmann::json& config = class_and_config.at("config");
  // Keras 2 writes "lr"; tf.keras writes "learning_rate".
  auto number = [&](const char* key, float fallback) {
    if (std::string(key) == "lr" && !config.contains("lr") && config.contains("learning_rate"))
      return config["learning_rate"].get<float>();
    return config.contains(key) && config[key].is_number() ? config[key].get<float>() : fallback;
  };
  const std::string key = lower(class_name);
  if (key == "sgd") {
    SGDOptions d;
    return SGD({number("lr", d.lr), number("momentum", d.momentum), number("decay", d.decay),
                config.value("nesterov", d.nesterov)});
  }
  if (key == "adadelta") {
    AdadeltaOptions d;
    return Adadelta({number("lr", d.lr), number("rho", d.rho), number("epsilon", d.epsilon), number("decay", d.decay)});
  }
  if (key == "rmsprop") {
    RMSpropOptions d;
    return RMSprop({number("lr", d.lr), number("rho", d.rho), number("epsilon", d.epsilon), number("decay", d.decay)});
  }
  if (key == "adam") {
    AdamOptions d;
    if (config.value("amsgrad", false)) throw Error("Adam with amsgrad is not supported");
    return Adam({number("lr", d.lr), number("beta_1", d.beta_1), number("beta_2", d.beta_2),
                 number("epsilon", d.epsilon), number("decay", d.decay)});
  }
  if (key == "adagrad") {
    AdagradOptions d;
    return Adagrad({number("lr", d.lr), number("epsilon", d.epsilon), number("decay", d.decay)});
  }
  throw Error("unknown optimizer class '" + class_name + "' (known: SGD, Adadelta, RMSprop, Adam, Adagrad)");
}

}  // namespace bottleneck
