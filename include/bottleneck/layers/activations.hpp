#pragma once
// keras.activations by name, as Dense, Conv2D and Activation take them.
#include <string>

#include <nlohmann/json.hpp>

namespace bottleneck {

// Activation functions by Keras' names. Two names are Keras 2 / Keras 3 spellings of one
// function: swish = silu, hard_swish = hard_silu. hard_sigmoid changed meaning between them:
// Keras 3's relu6(x + 3) / 6 is `hard_sigmoid`, Keras 2's clip(0.2 x + 0.5, 0, 1) is
// `hard_sigmoid_keras2`. gelu is Keras' default (exact, erf); gelu_approximate its
// approximate=True (tanh) form, which Keras cannot name in a config. softmax works on the
// last axis.
enum class ActivationKind {
  linear, relu, relu6, sigmoid, hard_sigmoid, hard_sigmoid_keras2, silu, hard_silu, gelu, gelu_approximate,
  tanh, elu, selu, softplus, softsign, exponential, softmax
};

// By name; "hard_sigmoid" gives Keras 3's function. Throws Error naming an unknown one.
ActivationKind parse_activation(const std::string& name);
std::string activation_name(ActivationKind kind);

// The "activation" field of a layer config (linear when absent or null), in every form Keras
// writes: a name, {"class_name": "relu", "config": {...}}, or Keras 3's
// {"module": "keras.activations", "class_name": "function", "config": "relu"}. A plain
// "hard_sigmoid" takes Keras 2's meaning unless the config is Keras 3's (a DTypePolicy dict
// as dtype, or the dict form with "module").
ActivationKind activation_from_config(const nlohmann::json& layer_config);
// What get_config writes, so that activation_from_config reads back the same function.
nlohmann::json activation_to_config(ActivationKind kind);

}  // namespace bottleneck
