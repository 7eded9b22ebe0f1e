#pragma once
// Square roots of float arrays with SIMD instructions. The build keeps -fmath-errno, under
// which the compiler will not vectorise std::sqrt, and the optimizers' updates are dominated
// by square roots over millions of weights.
#include <cstdint>

namespace bottleneck::detail {

// x[i] = sqrt(x[i]), correctly rounded as std::sqrt (so results do not depend on the CPU).
void sqrt_in_place(float* x, int64_t n);

}  // namespace bottleneck::detail
