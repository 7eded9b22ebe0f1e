#include "cli/dtype_policy_option.hpp"

#include <string>

#include "bottleneck/mixed_precision.hpp"

namespace bottleneck::cli {

void add_dtype_policy_option(CLI::App& command) {
  command
      .add_option_function<std::string>(
          "--dtype-policy", [](const std::string& name) { mixed_precision::set_global_policy(name); },
          "float32, or mixed_bfloat16: convolutions and matrix products in bfloat16, float32 weights and "
          "outputs (needs AVX-512; fast with AVX512-BF16 or AMX)")
      ->check(CLI::IsMember({"float32", "mixed_bfloat16"}))
      ->default_str("float32");
}

}  // namespace bottleneck::cli
