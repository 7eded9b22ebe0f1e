#pragma once
// Keras' image loading, reproduced exactly: Pillow's decoding defaults, its convert('RGB')
// and its Image.resize filters (keras.preprocessing.image.load_img / img_to_array).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

enum class Interpolation { nearest, bilinear, bicubic, lanczos, box, hamming };
Interpolation parse_interpolation(std::string_view name);  // Keras' names; throws Error otherwise
std::string_view interpolation_name(Interpolation interpolation);

struct TargetSize {
  int height = 0;
  int width = 0;
};
// "224x224" (height x width), as the CLI takes it; throws Error on anything else.
TargetSize parse_target_size(std::string_view text);

// An 8-bit RGB image, interleaved, row-major: what Pillow holds after convert('RGB').
struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // height * width * 3
};

// Images larger than this many pixels are refused before anything is allocated
// (Pillow's decompression-bomb limit, twice MAX_IMAGE_PIXELS, where it raises).
inline constexpr int64_t max_image_pixels = 2 * 89478485LL;

// Decode a JPEG, PNG, BMP, PPM/PGM or TIFF file (chosen by its content, not its name)
// and convert it to RGB as Pillow's convert('RGB') does. EXIF orientation is ignored.
// Errors (unreadable, unsupported, corrupt, truncated, too large) throw Error naming the file.
Image decode_image(const std::string& path);
Image decode_image_bytes(const uint8_t* data, size_t size, const std::string& name_for_errors);

// Pillow's Image.resize((width, height), filter), bit-exact.
Image resize(const Image& image, int width, int height, Interpolation interpolation);

// keras.preprocessing.image.load_img(path, target_size=(h, w), interpolation=...)
Image load_img(const std::string& path, std::optional<TargetSize> target_size = std::nullopt,
               Interpolation interpolation = Interpolation::nearest);

// img_to_array: float32 (height, width, 3), values 0..255.
Tensor img_to_array(const Image& image);

}  // namespace bottleneck
