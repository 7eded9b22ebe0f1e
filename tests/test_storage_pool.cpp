// Tensor storage is reused: a forward pass asks for the same large buffers batch after batch.
#include <gtest/gtest.h>

#include "bottleneck/tensor.hpp"
#include "core/storage_pool.hpp"

namespace bottleneck {
namespace {

TEST(StoragePool, ALargeBufferComesBackForTheSameSize) {
  detail::release_pooled_storage();
  const float* first = nullptr;
  {
    Tensor a = Tensor::uninitialized({4, 64, 64, 32});  // 2 MiB
    first = a.data();
  }
  EXPECT_EQ(detail::pooled_storage_bytes(), size_t{4 * 64 * 64 * 32 * 4});
  Tensor other = Tensor::uninitialized({4, 64, 64, 16});  // another size: a new buffer
  EXPECT_NE(other.data(), first);
  Tensor again = Tensor::uninitialized({4, 64, 64, 32});
  EXPECT_EQ(again.data(), first);
  EXPECT_EQ(detail::pooled_storage_bytes(), 0u);
}

TEST(StoragePool, SharedStorageReturnsWhenTheLastViewGoes) {
  detail::release_pooled_storage();
  Tensor view;
  {
    Tensor a({1024, 1024});
    view = a.slice(0, 10);
  }
  EXPECT_EQ(detail::pooled_storage_bytes(), 0u) << "a view still reads the buffer";
  view = Tensor();
  EXPECT_EQ(detail::pooled_storage_bytes(), size_t{1024 * 1024 * 4});
  detail::release_pooled_storage();
  EXPECT_EQ(detail::pooled_storage_bytes(), 0u);
}

TEST(StoragePool, SmallBuffersAreNotHeld) {
  detail::release_pooled_storage();
  { Tensor small({256, 256}); }  // 256 KiB
  EXPECT_EQ(detail::pooled_storage_bytes(), 0u);
}

TEST(StoragePool, ZeroFilledTensorsAreZeroAfterReuse) {
  detail::release_pooled_storage();
  { Tensor dirty({512, 1024}, 7.0f); }
  Tensor clean({512, 1024});
  for (int64_t i = 0; i < clean.size(); i += 4099) ASSERT_EQ(clean[i], 0.0f);
}

}  // namespace
}  // namespace bottleneck
