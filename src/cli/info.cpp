// bottleneck info [WEIGHTS.h5]: the libraries and CPU features in use, or what a Keras
// weights file holds (format, version, each weighted layer's variables and shapes).
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <string>

#include "bottleneck/saving.hpp"
#include "bottleneck/weights_file.hpp"
#include "cli/command.hpp"
#include "cli/library_versions.hpp"

namespace bottleneck::cli {

namespace {

std::string cpu_isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "generic (no vector ISA)";
  }
}

void print_environment() {
  std::printf("%s\n", library_versions().c_str());
  std::printf("CPU ISA (oneDNN): %s\n", cpu_isa_name(dnnl::get_effective_cpu_isa()).c_str());
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
