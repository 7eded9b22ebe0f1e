// Keras' initialisers (layers/initializers.hpp): glorot_uniform's limit, and the same values
// (and engine state after) on any thread count as one loop drawing from the engine.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>

#include "layers/initializers.hpp"

namespace bottleneck {
namespace {

// Keeps a test's thread count from leaking into the next.
class ThreadCount {
public:
  explicit ThreadCount(int threads) : before_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~ThreadCount() { omp_set_num_threads(before_); }

private:
  int before_;
};

TEST(GlorotUniform, ValuesOfOneLoopOverTheEngineOnAnyThreadCount) {
  // 3x3x256x256 fills in parts; 3x3x8x16 in one.
  for (const Shape& shape : {Shape{3, 3, 256, 256}, Shape{3, 3, 8, 16}}) {
    const Fans fans = compute_fans(shape);
    const float limit = static_cast<float>(std::sqrt(6.0 / (fans.fan_in + fans.fan_out)));
    for (int threads : {1, 2, 3}) {
      SCOPED_TRACE(shape_to_string(shape) + " on " + std::to_string(threads) + " threads");
      const ThreadCount count(threads);
      Tensor kernel(shape);
      Rng engine(7), expected_engine(7);
      glorot_uniform(kernel, engine);
      std::uniform_real_distribution<float> uniform(-limit, limit);
      for (int64_t i = 0; i < kernel.size(); ++i) ASSERT_EQ(kernel.data()[i], uniform(expected_engine)) << i;
      EXPECT_TRUE(engine == expected_engine) << "the engine must end where the loop leaves it";
      float largest = 0;
      for (float w : kernel) largest = std::max(largest, std::abs(w));
      EXPECT_LE(largest, limit);
      EXPECT_GT(largest, 0.99f * limit);
    }
  }
}

}  // namespace
}  // namespace bottleneck
