// The Optimizer base (the update loop over parameters and their slots) and Keras' lookups
// by name and by config.
#include "bottleneck/training/optimizers.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

#include "bottleneck/error.hpp"
#include "training/optimizers/optimizer_support.hpp"

namespace bottleneck {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

using FromConfig = std::shared_ptr<Optimizer> (*)(const detail::OptimizerConfig&);

struct Known {
  const char* name;  // keras.optimizers.get's lowercase name
  std::shared_ptr<Optimizer> (*make_default)();
  FromConfig from_config;
};

const Known known[] = {
    {"sgd", [] { return SGD(); }, detail::sgd_from_config},
    {"adadelta", [] { return Adadelta(); }, detail::adadelta_from_config},
    {"rmsprop", [] { return RMSprop(); }, detail::rmsprop_from_config},
    {"adam", [] { return Adam(); }, detail::adam_from_config},
    {"adagrad", [] { return Adagrad(); }, detail::adagrad_from_config},
};

}  // namespace

double detail::json_number(float value) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return std::strtod(std::string(text, end).c_str(), nullptr);
}

float detail::OptimizerConfig::number(const char* key, float fallback) const {
  if (std::string(key) == "lr" && !json.contains("lr") && json.contains("learning_rate"))
    return json["learning_rate"].get<float>();
  return json.contains(key) && json[key].is_number() ? json[key].get<float>() : fallback;
}

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

std::shared_ptr<Optimizer> get_optimizer(const std::string& name) {
  for (const Known& optimizer : known)
    if (lower(name) == optimizer.name) return optimizer.make_default();
  throw Error("unknown optimizer '" + name + "' (known: sgd, adadelta, rmsprop, adam, adagrad)");
}

std::shared_ptr<Optimizer> optimizer_from_config(const nlohmann::json& class_and_config) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  for (const Known& optimizer : known)
    if (lower(class_name) == optimizer.name) return optimizer.from_config({class_and_config.at("config")});
  throw Error("unknown optimizer class '" + class_name + "' (known: SGD, Adadelta, RMSprop, Adam, Adagrad)");
}

}  // namespace bottleneck
