#include "cli/optimizer_options.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck::cli {

void add_optimizer_options(CLI::App& command, OptimizerOptions& o) {
  command.add_option("--optimizer", o.name, "sgd, adadelta, rmsprop, adam or adagrad (Keras' defaults)")
      ->capture_default_str();
  command.add_option("--lr", o.lr, "learning rate (default: the optimizer's Keras default)");
  command.add_option("--momentum", o.momentum, "SGD momentum");
}

std::shared_ptr<Optimizer> make_optimizer(const OptimizerOptions& o) {
  nlohmann::json config = nlohmann::json::object();
  if (o.lr) config["lr"] = *o.lr;
  if (o.momentum) {
    // Asked of the optimizer itself, so that "SGD" and "sgd" both qualify.
    if (optimizer_from_config({{"class_name", o.name}, {"config", nlohmann::json::object()}})->class_name() != "SGD")
      throw Error("--momentum applies to --optimizer sgd only");
    config["momentum"] = *o.momentum;
  }
  return optimizer_from_config({{"class_name", o.name}, {"config", config}});
}

}  // namespace bottleneck::cli
