// The Keras weights-file reader (HDF5, Keras 1/2/3 layouts), from a file and from memory as
// load_model reads a .keras archive's model.weights.h5 (whose CRC keeps fuzz_keras from
// mutating it). HDF5 itself is not instrumented; the fuzzer steers by our reader's coverage
// and catches crashes in either.
#include <cstdint>
#include <functional>
#include <string>

#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "memory_file.hpp"

namespace {
void expect_consistent_or_refused(const std::function<bottleneck::WeightsFile()>& read) {
  using namespace bottleneck;
  try {
    const WeightsFile weights = read();
    for (const LayerWeights& layer : weights.layers)
      for (const WeightVariable& variable : layer.variables)
        if (variable.value.size() != shape_size(variable.value.shape())) __builtin_trap();
  } catch (const Error&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  const fuzz::MemoryFile file(data, size);
  expect_consistent_or_refused([&] { return read_weights_file(file.path()); });
  const std::string image(reinterpret_cast<const char*>(data), size);
  expect_consistent_or_refused([&] { return read_weights_image(image, "fuzz-input"); });
  return 0;
}
