#pragma once
// What the per-format decoders share: each returns the pixels in the mode Pillow would open
// the file as (so conversion follows Pillow's rules), and convert_to_rgb then does
// Pillow's convert('RGB').
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bottleneck/image.hpp"

namespace bottleneck::image_io {

// Pillow's mode names for the layouts the decoders produce.
enum class PixelMode { L, LA, RGB, RGBA, P, CMYK };
int channel_count(PixelMode mode);

struct DecodedImage {
  int width = 0;
  int height = 0;
  PixelMode mode = PixelMode::RGB;
  std::vector<uint8_t> pixels;             // height * width * channel_count(mode), top row first
  std::array<uint8_t, 256 * 3> palette{};  // mode P: RGB per index
};

// Checks the header's dimensions (positive, at most max_image_pixels) and only then
// allocates the pixels; the palette starts as Pillow's default grey ramp (i, i, i), which
// is what indices beyond a file's own palette show.
DecodedImage allocate_decoded_image(int64_t width, int64_t height, PixelMode mode, const std::string& name);

// One file's encoded bytes, and the name its errors carry.
struct EncodedImage {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string name;
};

DecodedImage decode_jpeg(const EncodedImage& file);
DecodedImage decode_png(const EncodedImage& file);
DecodedImage decode_bmp(const EncodedImage& file);
DecodedImage decode_ppm(const EncodedImage& file);
DecodedImage decode_tiff(const EncodedImage& file);

Image convert_to_rgb(DecodedImage&& image);

}  // namespace bottleneck::image_io
