// PNG through libpng, giving the modes Pillow's PngImagePlugin opens: grey -> L (1, 2, 4 bits
// scaled to 0..255), grey+alpha -> LA, palette -> P (tRNS kept apart, so ignored by RGB),
// RGB, RGBA. 16-bit samples keep their high byte, except 16-bit grey, which Pillow opens as
// mode I (0..65535) and whose convert('RGB') clips to 0..255: we clip too.
#include <png.h>

#include <algorithm>
#include <cstring>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

namespace {

struct PngInput {
  const uint8_t* data;
  size_t size;
  size_t offset;
};

struct PngMessage {
  char text[200];
};

void read_input(png_structp png, png_bytep out, size_t count) {
  auto* input = static_cast<PngInput*>(png_get_io_ptr(png));
  if (count > input->size - input->offset) png_error(png, "image file is truncated");
  std::memcpy(out, input->data + input->offset, count);
  input->offset += count;
}

// libpng's default error handler prints and aborts through its own jump buffer; ours keeps
// the message for the Error that decode_png throws.
[[noreturn]] void jump_on_error(png_structp png, png_const_charp message) {
  auto* kept = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(kept->text, sizeof kept->text, "%s", message);
  png_longjmp(png, 1);
}

void ignore_warning(png_structp, png_const_charp) {}

struct DestroyOnExit {
  png_structp png;
  png_infop info;
  ~DestroyOnExit() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

PixelMode mode_for(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
      return PixelMode::L;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return PixelMode::LA;
    case PNG_COLOR_TYPE_PALETTE:
      return PixelMode::P;
    case PNG_COLOR_TYPE_RGB:
      return PixelMode::RGB;
    default:
      return PixelMode::RGBA;
  }
}

}  // namespace

DecodedImage decode_png(const EncodedImage& file) {
  PngMessage message{};
  PngInput input{file.data, file.size, 0};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &message, jump_on_error, ignore_warning);
  if (!png) throw Error(file.name + ": cannot start the PNG decoder");
  DestroyOnExit destroy{png, png_create_info_struct(png)};
  if (!destroy.info) throw Error(file.name + ": cannot start the PNG decoder");
  // Everything with a destructor exists before setjmp, so the longjmp skips none of them.
  DecodedImage image;
  std::vector<png_bytep> rows;
  std::vector<uint8_t> grey16;  // 16-bit grey samples, clipped into image.pixels afterwards
  if (setjmp(png_jmpbuf(png))) throw Error(file.name + ": " + message.text);

  png_set_read_fn(png, &input, read_input);
  png_read_info(png, destroy.info);
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  png_get_IHDR(png, destroy.info, &width, &height, &bit_depth, &color_type, nullptr, nullptr, nullptr);
  const PixelMode mode = mode_for(color_type);
  image = allocate_decoded_image(width, height, mode, file.name);

  const bool clip_grey16 = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16;
  if (bit_depth == 16 && !clip_grey16) png_set_strip_16(png);  // keeps the high byte
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color_type == PNG_COLOR_TYPE_PALETTE && bit_depth < 8) png_set_packing(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, destroy.info);

  const size_t stride = static_cast<size_t>(image.width) * channel_count(mode) * (clip_grey16 ? 2 : 1);
  if (png_get_rowbytes(png, destroy.info) != stride) throw Error(file.name + ": unexpected PNG row layout");
  uint8_t* target = image.pixels.data();
  if (clip_grey16) {
    grey16.resize(stride * image.height);
    target = grey16.data();
  }
  rows.resize(image.height);
  for (int y = 0; y < image.height; ++y) rows[y] = target + stride * y;
  png_read_image(png, rows.data());

  if (mode == PixelMode::P) {
    png_colorp entries = nullptr;
    int count = 0;
    if (png_get_PLTE(png, destroy.info, &entries, &count) == PNG_INFO_PLTE)
      for (int i = 0; i < std::min(count, 256); ++i) {
        image.palette[i * 3 + 0] = entries[i].red;
        image.palette[i * 3 + 1] = entries[i].green;
        image.palette[i * 3 + 2] = entries[i].blue;
      }
  }
  if (clip_grey16)
    for (size_t i = 0; i < image.pixels.size(); ++i)
      image.pixels[i] = static_cast<uint8_t>(std::min(grey16[2 * i] * 256 + grey16[2 * i + 1], 255));
  // No png_read_end: the chunks after the image data are not needed, and Pillow too accepts
  // a file cut after its last IDAT.
  return image;
}

}  // namespace bottleneck::image_io
