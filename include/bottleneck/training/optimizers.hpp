#pragma once
// keras.optimizers with Keras 2's update rules, defaults and epsilon 1e-7, in float32 as
// TensorFlow computes them. Learning-rate decay: lr / (1 + decay * iterations).
//   model.compile(SGD({.lr = 1e-4, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class Optimizer {
public:
  Optimizer(float lr, float decay) : lr(lr), decay(decay) {}
  virtual ~Optimizer() = default;
  virtual std::string class_name() const = 0;  // "Adadelta", "SGD", ...
  virtual nlohmann::json get_config() const = 0;

  // One update of every parameter from its gradient, then zeroes the gradients (backward
  // passes add into them).
  void apply_gradients(const std::vector<Parameter*>& parameters);

  float lr;
  float decay;
  int64_t iterations = 0;

protected:
  // Updates `p` from its gradient with learning rate `lr_t`; `slots` are this parameter's
  // accumulators (slot_count() tensors of its shape, zeros at first).
  virtual void update(Parameter& p, std::vector<Tensor>& slots, float lr_t) = 0;
  virtual int slot_count() const = 0;

private:
  std::unordered_map<const Parameter*, std::vector<Tensor>> slots_;
};

struct SGDOptions {
  float lr = 0.01f;
  float momentum = 0.0f;
  float decay = 0.0f;
  bool nesterov = false;
};
struct AdadeltaOptions {
  float lr = 1.0f;
  float rho = 0.95f;
  float epsilon = 1e-7f;
  float decay = 0.0f;
};
struct RMSpropOptions {
  float lr = 0.001f;
  float rho = 0.9f;
  float epsilon = 1e-7f;
  float decay = 0.0f;
};
struct AdamOptions {
  float lr = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  float epsilon = 1e-7f;
  float decay = 0.0f;
};
struct AdagradOptions {
  float lr = 0.01f;
  float epsilon = 1e-7f;
  float decay = 0.0f;
};

std::shared_ptr<Optimizer> SGD(SGDOptions options = {});
std::shared_ptr<Optimizer> Adadelta(AdadeltaOptions options = {});
std::shared_ptr<Optimizer> RMSprop(RMSpropOptions options = {});
std::shared_ptr<Optimizer> Adam(AdamOptions options = {});
std::shared_ptr<Optimizer> Adagrad(AdagradOptions options = {});

// keras.optimizers.get: "sgd", "adadelta", "rmsprop", "adam", "adagrad" with Keras' defaults.
std::shared_ptr<Optimizer> get_optimizer(const std::string& name);
// From {"class_name", "config"} as get_config() and Keras' training_config write it.
std::shared_ptr<Optimizer> optimizer_from_config(const nlohmann::json& class_and_config);

}  // namespace bottleneck
