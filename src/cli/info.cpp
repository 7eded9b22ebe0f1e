// bottleneck info [WEIGHTS.h5]: the libraries and CPU features in use, or what a Keras
// weights file holds (format, version, each weighted layer's variables and shapes).
#include <jconfig.h>  // LIBJPEG_TURBO_VERSION_NUMBER
#include <omp.h>
#include <png.h>
#include <tiffio.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <string>

#include "bottleneck/weights_file.hpp"
#include "cli/command.hpp"
#include "io/hdf5_file.hpp"

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

// libjpeg-turbo has no run-time version call; this is the version built against.
std::string jpeg_version() {
  const int v = LIBJPEG_TURBO_VERSION_NUMBER;  // e.g. 2001005 for 2.1.5
  return std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000);
}

// TIFFGetVersion() is "LIBTIFF, Version 4.5.0\nCopyright ...".
std::string tiff_version() {
  std::string text = TIFFGetVersion();
  text = text.substr(0, text.find('\n'));
  const size_t version = text.find("Version ");
  return version == std::string::npos ? text : text.substr(version + 8);
}

void print_environment() {
  const dnnl_version_t* dnnl = dnnl_version();
  std::printf("bottleneck %s\n", BOTTLENECK_VERSION);
  const std::string commit = dnnl->hash && std::string(dnnl->hash) != "N/A" ? std::string(" (") + dnnl->hash + ")" : "";
  std::printf("oneDNN %d.%d.%d%s\n", dnnl->major, dnnl->minor, dnnl->patch, commit.c_str());
  std::printf("CPU ISA (oneDNN): %s\n", cpu_isa_name(dnnl::get_effective_cpu_isa()).c_str());
  std::printf("HDF5 %s\n", hdf5::library_version().c_str());
  std::printf("libjpeg-turbo %s\n", jpeg_version().c_str());
  std::printf("libpng %s\n", png_get_libpng_ver(nullptr));
  std::printf("libtiff %s\n", tiff_version().c_str());
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
