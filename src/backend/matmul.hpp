#pragma once
// Matrix products for the dense layers: oneDNN's sgemm, multi-threaded over all cores.
#include <cstdint>

namespace bottleneck::backend {

// Row-major C (m x n) = alpha * op(A) * op(B) + beta * C, where op transposes when asked.
// lda, ldb, ldc are the row strides of A, B, C as stored.
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace bottleneck::backend
