// Keras 3's .keras archives as load_model reads them: the zip (libzip), its config.json and
// its model.weights.h5 (HDF5, from memory). Any refusal is an exception (one `error:` line in
// the tool); a crash, a sanitizer report, a hang or memory growing with a member's claimed
// rather than its real size is a finding. The members' CRCs keep most mutations from reaching
// the JSON and HDF5 parsers: fuzz_model and fuzz_weights fuzz those directly.
#include <cstdint>
#include <exception>

#include "bottleneck/saving.hpp"
#include "memory_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  const fuzz::MemoryFile file(data, size);
  try {
    load_model(file.path());
  } catch (const std::exception&) {
  }
  return 0;
}
