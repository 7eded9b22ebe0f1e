#pragma once
// keras.activations by name, as Dense, Conv2D and Activation take them.
#include <string>

namespace bottleneck {

// Activation functions by Keras' names: linear, relu, sigmoid, softmax (last axis), tanh.
enum class ActivationKind { linear, relu, sigmoid, softmax, tanh };
ActivationKind parse_activation(const std::string& name);  // throws Error naming it
std::string activation_name(ActivationKind kind);

}  // namespace bottleneck
