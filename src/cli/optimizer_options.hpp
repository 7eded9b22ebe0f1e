#pragma once
// --optimizer / --lr / --momentum, shared by the commands that train (train, finetune).
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "bottleneck/training/optimizers.hpp"

namespace bottleneck::cli {

struct OptimizerOptions {
  std::string name;
  std::optional<double> lr;
  std::optional<double> momentum;
};

void add_optimizer_options(CLI::App& command, OptimizerOptions& options);
// Keras' optimizer of that name with its defaults, overridden by --lr and --momentum.
std::shared_ptr<Optimizer> make_optimizer(const OptimizerOptions& options);

}  // namespace bottleneck::cli
