#include "training/optimizers/vector_sqrt.hpp"

#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace bottleneck::detail {

#if defined(__x86_64__)

namespace {

__attribute__((target("avx"))) void sqrt_avx(float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_sqrt_ps(_mm256_loadu_ps(x + i)));
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

void sqrt_sse(float* x, int64_t n) {  // SSE is part of every x86-64 CPU
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(x + i, _mm_sqrt_ps(_mm_loadu_ps(x + i)));
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

}  // namespace

void sqrt_in_place(float* x, int64_t n) {
  static const bool has_avx = __builtin_cpu_supports("avx");
  if (has_avx)
    sqrt_avx(x, n);
  else
    sqrt_sse(x, n);
}

#else

void sqrt_in_place(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = std::sqrt(x[i]);
}

#endif

}  // namespace bottleneck::detail
