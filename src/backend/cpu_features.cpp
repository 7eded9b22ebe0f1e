#include "backend/cpu_features.hpp"

#include <oneapi/dnnl/dnnl.hpp>

namespace bottleneck::backend {

namespace {
// The ISAs are supersets in this order, so "at least" is a comparison of their bits.
bool at_least(dnnl::cpu_isa isa) {
  const auto effective = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto wanted = static_cast<unsigned>(isa);
  return (effective & wanted) == wanted;
}
}  // namespace

std::string cpu_isa_name() {
  switch (dnnl::get_effective_cpu_isa()) {
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

Bfloat16Support bfloat16_support() {
  if (at_least(dnnl::cpu_isa::avx512_core_bf16)) return Bfloat16Support::native;
  if (at_least(dnnl::cpu_isa::avx512_core)) return Bfloat16Support::emulated;
  return Bfloat16Support::none;
}

bool has_amx() { return at_least(dnnl::cpu_isa::avx512_core_amx); }

}  // namespace bottleneck::backend
