// Pillow's image modes as the decoders produce them, and Pillow's convert('RGB') from each
// (libImaging/Convert.c): alpha is dropped, never composited.
#include <algorithm>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

int channel_count(PixelMode mode) {
  switch (mode) {
    case PixelMode::L:
    case PixelMode::P:
      return 1;
    case PixelMode::LA:
      return 2;
    case PixelMode::RGB:
      return 3;
    case PixelMode::RGBA:
    case PixelMode::CMYK:
      return 4;
  }
  return 0;
}

DecodedImage allocate_decoded_image(int64_t width, int64_t height, PixelMode mode, const std::string& name) {
  if (width <= 0 || height <= 0)
    throw Error(name + ": bad image size " + std::to_string(width) + "x" + std::to_string(height));
  // Divided, not multiplied: header values may be large enough to overflow a product.
  if (width > max_image_pixels / height)
    throw Error(name + ": image is " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels, more than the limit of " + std::to_string(max_image_pixels) +
                " (a decompression bomb?)");
  DecodedImage image;
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.mode = mode;
  image.pixels.resize(static_cast<size_t>(width * height * channel_count(mode)));
  for (int i = 0; i < 256; ++i)
    for (int c = 0; c < 3; ++c) image.palette[i * 3 + c] = static_cast<uint8_t>(i);
  return image;
}

namespace {

// Pillow's MULDIV255: a * b / 255, rounded, in integers.
int multiply_divide_255(int a, int b) {
  int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

// cmyk2rgb: out = clip(255 - K - C * (255 - K) / 255), per channel.
uint8_t cmyk_channel(int ink, int not_black) {
  return static_cast<uint8_t>(std::clamp(not_black - multiply_divide_255(ink, not_black), 0, 255));
}

}  // namespace

Image convert_to_rgb(DecodedImage&& image) {
  Image rgb;
  rgb.width = image.width;
  rgb.height = image.height;
  if (image.mode == PixelMode::RGB) {
    rgb.pixels = std::move(image.pixels);
    return rgb;
  }
  const size_t count = static_cast<size_t>(image.width) * image.height;
  rgb.pixels.resize(count * 3);
  const uint8_t* in = image.pixels.data();
  uint8_t* out = rgb.pixels.data();
  switch (image.mode) {
    case PixelMode::L:
    case PixelMode::LA: {
      const int step = channel_count(image.mode);
      for (size_t i = 0; i < count; ++i, in += step, out += 3) out[0] = out[1] = out[2] = in[0];
      break;
    }
    case PixelMode::RGBA:
      for (size_t i = 0; i < count; ++i, in += 4, out += 3) std::copy(in, in + 3, out);
      break;
    case PixelMode::P:
      for (size_t i = 0; i < count; ++i, out += 3) {
        const uint8_t* entry = &image.palette[in[i] * 3];
        std::copy(entry, entry + 3, out);
      }
      break;
    case PixelMode::CMYK:
      for (size_t i = 0; i < count; ++i, in += 4, out += 3) {
        const int not_black = 255 - in[3];
        for (int c = 0; c < 3; ++c) out[c] = cmyk_channel(in[c], not_black);
      }
      break;
    case PixelMode::RGB:
      break;  // handled above
  }
  return rgb;
}

}  // namespace bottleneck::image_io
