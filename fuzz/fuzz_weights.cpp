// The Keras weights-file reader (HDF5, Keras 1/2/3 layouts). HDF5 itself is not
// instrumented; the fuzzer steers by our reader's coverage and catches crashes in either.
#include <cstdint>

#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "memory_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  const fuzz::MemoryFile file(data, size);
  try {
    const WeightsFile weights = read_weights_file(file.path());
    for (const LayerWeights& layer : weights.layers)
      for (const WeightVariable& variable : layer.variables)
        if (variable.value.size() != shape_size(variable.value.shape())) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
