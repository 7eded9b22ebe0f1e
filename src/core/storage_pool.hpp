#pragma once
// Tensor storage that is reused instead of returned to the system. A forward pass asks for
// the same buffer sizes batch after batch; large buffers come from fresh mmap'd pages, which
// the kernel zeroes on first touch (a third of a MobileNetV2 extraction's time went there).
// Freed buffers of 1 MiB or more wait here for a request of the same size, up to a bound on
// the bytes kept; smaller ones go back to malloc, which reuses them by itself.
#include <cstddef>
#include <memory>

namespace bottleneck::detail {

// `bytes` (a multiple of 64) of 64-byte aligned storage; throws an Error when out of memory.
// The buffer returns to the pool when the last shared_ptr to it goes.
std::shared_ptr<float[]> acquire_storage(size_t bytes);

// Frees every buffer the pool holds (tests, and callers about to need the memory elsewhere).
void release_pooled_storage();

// Bytes the pool holds now (for tests).
size_t pooled_storage_bytes();

}  // namespace bottleneck::detail
