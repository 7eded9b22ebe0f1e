// bottleneck info [WEIGHTS.h5]: the libraries and CPU features in use, or what a Keras
// weights file holds (format, version, each weighted layer's variables and shapes).
#include <omp.h>

#include <cstdio>
#include <string>

#include "bottleneck/mixed_precision.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/weights_file.hpp"
#include "cli/command.hpp"
#include "cli/library_versions.hpp"

namespace bottleneck::cli {

namespace {

void print_environment() {
  std::printf("%s\n", library_versions().c_str());
  std::printf("CPU ISA (oneDNN): %s\n", mixed_precision::cpu_isa().c_str());
  std::printf("bfloat16: %s\n", mixed_precision::bfloat16_support().c_str());
  std::printf("AMX: %s\n", mixed_precision::cpu_has_amx() ? "yes" : "no");
  std::printf("threads: %d\n", omp_get_max_threads());
}

// A model file: Keras' model.summary(); a weights file: its layers and their weights' shapes.
void print_file(const std::string& path) {
  if (holds_model(path)) std::printf("%s", load_model(path)->summary().c_str());
  else std::printf("file: %s\n%s", path.c_str(), read_weights_file(path).summary().c_str());
}

void setup_info(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "info", "Library versions, CPU features and threads; or a Keras model file's summary (or a weights file's layers)");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "A Keras model file (.h5, .keras) or weights file (.h5, .weights.h5)");
  command->callback([path] {
    if (path->empty())
      print_environment();
    else
      print_file(*path);
  });
}

const CommandRegistration info_registration{"info", setup_info};

}  // namespace

}  // namespace bottleneck::cli
