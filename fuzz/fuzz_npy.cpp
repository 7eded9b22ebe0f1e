// The .npy readers: read_npy with its conversions, and the memory map training uses.
#include <cstdint>

#include "bottleneck/error.hpp"
#include "bottleneck/npy.hpp"
#include "memory_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  const fuzz::MemoryFile file(data, size);
  try {
    const NpyArray array = read_npy(file.path());
    const Tensor values = array.to_tensor();
    if (values.size() != shape_size(array.shape)) __builtin_trap();
    array.to_int32();
  } catch (const Error&) {
  }
  try {
    const NpyMap map(file.path());
    if (map.rows() > 0) map.rows(map.rows() - 1, map.rows());
  } catch (const Error&) {
  }
  return 0;
}
