#include "io/image_decode_bmp_rle.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck::image_io {

std::vector<uint8_t> decode_bmp_rle(const EncodedImage& file, size_t offset, int width, int height, bool rle4) {
  const size_t total = static_cast<size_t>(width) * static_cast<size_t>(height);
  std::vector<uint8_t> data;
  data.reserve(total);
  size_t at = offset;  // Pillow aligns absolute runs by the file position, so this is one too
  size_t x = 0;
  const auto available = [&] { return at < file.size ? file.size - at : 0; };
  while (data.size() < total) {
    if (available() < 2) break;
    size_t count = file.data[at];
    const uint8_t value = file.data[at + 1];
    at += 2;
    if (count) {  // a run of one value (two alternating nibbles in RLE4), cut at the row's end
      const size_t row = static_cast<size_t>(width);
      if (x + count > row) count = x < row ? row - x : 0;
      for (size_t i = 0; i < count; ++i) data.push_back(rle4 ? (i % 2 ? value & 0x0F : value >> 4) : value);
      x += count;
    } else if (value == 0) {  // end of line
      while (data.size() % width) data.push_back(0);
      x = 0;
    } else if (value == 1) {  // end of bitmap
      break;
    } else if (value == 2) {  // delta: Pillow reads two bytes, then takes right and up from the next two
      if (available() < 2) break;
      at += 2;
      if (available() < 2) throw Error(file.name + ": BMP RLE delta is truncated");
      const size_t right = file.data[at], up = file.data[at + 1];
      at += 2;
      data.insert(data.end(), right + up * width, 0);
      x = data.size() % width;
    } else {  // absolute: `value` pixels stored as they are
      const size_t bytes = rle4 ? value / 2 : value, read = std::min(bytes, available());
      for (size_t i = 0; i < read; ++i) {
        const uint8_t byte = file.data[at + i];
        if (rle4) data.insert(data.end(), {static_cast<uint8_t>(byte >> 4), static_cast<uint8_t>(byte & 0x0F)});
        else data.push_back(byte);
      }
      at += read;
      if (read < bytes) break;
      x += value;
      if (at % 2) ++at;  // runs are padded to 16 bits
    }
  }
  if (data.size() < total) throw Error(file.name + ": image file is truncated");
  data.resize(total);
  return data;
}

}  // namespace bottleneck::image_io
