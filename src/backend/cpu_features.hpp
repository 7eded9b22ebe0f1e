#pragma once
// What the CPU computes in, as oneDNN will run it: its effective ISA (which honours
// ONEDNN_MAX_CPU_ISA), and whether bfloat16 is native, emulated or unavailable.
#include <cstdint>
#include <string>

namespace bottleneck::backend {

// The type a primitive multiplies in; it accumulates in float32 either way.
enum class Precision { float32, bfloat16 };

// What a convolution asked for `precision` multiplies in: few input channels per group (an
// image's 3, a depthwise kernel's 1) make it memory-bound, and bfloat16 would only add the
// conversions (and error), so it stays float32.
inline Precision convolution_precision(Precision precision, int64_t input_channels_per_group) {
  return input_channels_per_group >= 16 ? precision : Precision::float32;
}

std::string cpu_isa_name();  // "avx512_core_bf16", "avx2", ...

enum class Bfloat16Support {
  none,      // no AVX-512: oneDNN has no bfloat16 kernels for this CPU
  emulated,  // AVX-512 without AVX512-BF16: oneDNN converts in software
  native,    // AVX512-BF16 instructions, or AMX tiles
};
Bfloat16Support bfloat16_support();
bool has_amx();

}  // namespace bottleneck::backend
