#include "bottleneck/mixed_precision.hpp"

#include <mutex>

#include "backend/cpu_features.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

DTypePolicy::DTypePolicy(const std::string& name) : name_(name) {
  if (name == "float32") return;
  if (name != "mixed_bfloat16")
    throw Error("unknown dtype policy '" + name + "' (float32 or mixed_bfloat16)");
  if (backend::bfloat16_support() == backend::Bfloat16Support::none)
    throw Error("mixed_bfloat16 needs a CPU with AVX-512 (AVX512-BF16 or AMX to run it natively); this one offers " +
                backend::cpu_isa_name());
  bfloat16_ = true;
}

namespace mixed_precision {

namespace {
std::mutex global_mutex;
DTypePolicy& global() {
  static DTypePolicy policy;
  return policy;
}
}  // namespace

void set_global_policy(const DTypePolicy& policy) {
  std::lock_guard lock(global_mutex);
  global() = policy;
}

void set_global_policy(const std::string& name) { set_global_policy(DTypePolicy(name)); }

DTypePolicy global_policy() {
  std::lock_guard lock(global_mutex);
  return global();
}

std::string bfloat16_support() {
  switch (backend::bfloat16_support()) {
    case backend::Bfloat16Support::native: return backend::has_amx() ? "native (AMX)" : "native (AVX512-BF16)";
    case backend::Bfloat16Support::emulated:
      // Measured with ONEDNN_MAX_CPU_ISA=AVX512_CORE on an AVX512-BF16 machine (VGG16, 64 images).
      return "emulated (AVX-512 without AVX512-BF16): about 3x slower than float32; float32 is the faster choice";
    case backend::Bfloat16Support::none: break;
  }
  return "unavailable (needs AVX-512; this CPU offers " + backend::cpu_isa_name() + ")";
}

std::string cpu_isa() { return backend::cpu_isa_name(); }
bool cpu_has_amx() { return backend::has_amx(); }

}  // namespace mixed_precision

}  // namespace bottleneck
