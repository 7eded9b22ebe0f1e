#pragma once
// Keras' dtype policies (keras.mixed_precision): "float32", or "mixed_bfloat16": variables in
// float32, convolutions and matrix products computed in bfloat16 (accumulated in float32).
//
//   mixed_precision::set_global_policy("mixed_bfloat16");  // layers created from now on
//   model->set_dtype_policy(DTypePolicy("float32"));        // one model, all its layers
//
// Weights, BatchNormalization statistics, losses, gradients and optimizer state stay float32,
// and so does every tensor a layer or the caller sees, so features and models written are
// float32 whatever the policy; only at inference do the feature maps passed from one bfloat16
// convolution to the next (through poolings and residual sums) stay bfloat16.
#include <string>

namespace bottleneck {

class DTypePolicy {
public:
  // An Error for another name, and for "mixed_bfloat16" on a CPU without AVX-512 (oneDNN
  // has no bfloat16 kernels there); the message names what the CPU lacks.
  explicit DTypePolicy(const std::string& name = "float32");

  const std::string& name() const { return name_; }
  std::string compute_dtype() const { return bfloat16_ ? "bfloat16" : "float32"; }
  std::string variable_dtype() const { return "float32"; }
  bool computes_in_bfloat16() const { return bfloat16_; }
  bool operator==(const DTypePolicy&) const = default;

private:
  std::string name_;
  bool bfloat16_ = false;
};

namespace mixed_precision {

// The policy layers take when created (Keras' set_global_policy / global_policy).
void set_global_policy(const DTypePolicy& policy);
void set_global_policy(const std::string& name);
DTypePolicy global_policy();

// How this CPU runs bfloat16, in one line: "native (AVX512-BF16)", "native (AMX)",
// "emulated (AVX-512 without AVX512-BF16) ...", or "unavailable (...)".
std::string bfloat16_support();
// The instruction set oneDNN runs on this CPU ("avx512_core_bf16", "avx2", ...; it honours
// ONEDNN_MAX_CPU_ISA), and whether it has AMX tiles.
std::string cpu_isa();
bool cpu_has_amx();

}  // namespace mixed_precision

}  // namespace bottleneck
