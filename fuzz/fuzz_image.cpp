// Image decoding (JPEG, PNG, BMP, PPM, TIFF, chosen by content) then resizing: anything but
// an Error naming the input is a bug. The target size and filter derive from the input's
// length, so every filter and both directions of scaling get exercised.
#include <cstdint>

#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  try {
    const Image image = decode_image_bytes(data, size, "fuzz-input");
    if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3) __builtin_trap();
    const auto interpolation = static_cast<Interpolation>(size % 6);
    const Image resized = resize(image, 1 + static_cast<int>(size % 37), 1 + static_cast<int>(size % 41), interpolation);
    if (resized.pixels.size() != static_cast<size_t>(resized.width) * resized.height * 3) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
