#pragma once
// --dtype-policy for the commands that run a network (extract, predict, evaluate, train,
// finetune): Keras' mixed_precision.set_global_policy, before any model is built or loaded.
#include <CLI/CLI.hpp>

namespace bottleneck::cli {

void add_dtype_policy_option(CLI::App& command);

}  // namespace bottleneck::cli
