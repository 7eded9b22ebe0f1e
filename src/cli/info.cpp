// bottleneck info [WEIGHTS.h5]: the libraries and CPU features in use, or what a Keras
// weights file holds (format, version, each weighted layer's variables and shapes).
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <string>

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

// 14714688 -> "14,714,688", as Keras' summary prints counts.
std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void print_weights_file(const std::string& path) {
  const WeightsFile file = read_weights_file(path);
  int64_t parameters = 0;
  size_t weighted = 0;
  std::string lines;
  for (const LayerWeights& layer : file.layers) {
    if (layer.variables.empty()) continue;
    ++weighted;
    lines += "  " + layer.name;
    for (const WeightVariable& variable : layer.variables) {
      lines += "  " + variable.name + " " + shape_to_string(variable.value.shape());
      parameters += variable.value.size();
    }
    lines += "\n";
  }
  std::printf("file: %s\n", path.c_str());
  std::printf("format: %s\n", file.format.c_str());
  std::printf("keras_version: %s\n", file.keras_version.empty() ? "(none)" : file.keras_version.c_str());
  std::printf("backend: %s\n", file.backend.empty() ? "(none)" : file.backend.c_str());
  if (file.model_config) std::printf("model_config: %zu bytes of JSON\n", file.model_config->size());
  std::printf("layers: %zu, with weights: %zu\n", file.layers.size(), weighted);
  std::fputs(lines.c_str(), stdout);
  std::printf("Total params: %s\n", with_thousands(parameters).c_str());
}

void setup_info(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "info", "Library versions, CPU features and threads; or the layers and shapes of a Keras weights file");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "A Keras .h5 weights or model file");
  command->callback([path] {
    if (path->empty())
      print_environment();
    else
      print_weights_file(*path);
  });
}

const CommandRegistration registration{"info", setup_info};

}  // namespace

}  // namespace bottleneck::cli
