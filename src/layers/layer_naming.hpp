#pragma once
// Keras' automatic layer names: the snake_case class name, then "_1", "_2", ... for later
// layers of the same class ("dense", "dense_1"), as tf.keras names them.
#include <string>

namespace bottleneck::detail {

// With zero_based=false the first is already "_1" (tf.keras names inputs input_1, input_2, ...).
std::string unique_layer_name(const std::string& snake_case_class, bool zero_based = true);
// `name` when given, else unique_layer_name(snake_case_class).
std::string layer_name_or_default(std::string name, const std::string& snake_case_class);

}  // namespace bottleneck::detail
