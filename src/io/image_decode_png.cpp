// PNG through libpng, giving the modes Pillow's PngImagePlugin opens: grey -> L (1, 2, 4 bits
// scaled to 0..255), grey+alpha -> LA, palette -> P (tRNS kept apart, so ignored by RGB),
// RGB, RGBA. 16-bit samples keep their high byte, except 16-bit grey, which Pillow opens as
// mode I (0..65535) and whose convert('RGB') clips to 0..255: we clip too.
//
// libpng's progressive reader is used so that truncation is judged as Pillow judges it: a
// file is complete when every row has been decoded, whatever follows (checksum, IEND).
// Like Pillow, image-data (IDAT) checksums are not verified; header checksums are.
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

namespace {

// Everything the callbacks change lives here, on the heap: after a longjmp, locals changed
// since setjmp would be indeterminate.
struct PngState {
  std::string name;
  DecodedImage image;
  std::vector<png_bytep> rows;
  std::vector<uint8_t> grey16;  // 16-bit grey samples, clipped into image.pixels at the end
  bool clip_grey16 = false;
  bool interlaced = false;
  bool complete = false;
  std::string failure;  // a complete message from our own checks
  char libpng_message[200] = {};
};

PngState& state_of(png_structp png) { return *static_cast<PngState*>(png_get_progressive_ptr(png)); }

// libpng's default error handler prints and aborts through its own jump buffer; ours keeps
// the message for the Error that decode_png throws.
[[noreturn]] void jump_on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(state->libpng_message, sizeof state->libpng_message, "%s", message);
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

// Header read: size check, allocation, transformations, row pointers. No exception may
// cross libpng's C frames, so failures are kept and raised as a libpng error.
void prepare_image(PngState& state, png_structp png, png_infop info) {
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, interlace = 0;
  png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, nullptr, nullptr);
  const PixelMode mode = mode_for(color_type);
  state.interlaced = interlace != PNG_INTERLACE_NONE;
  state.image = allocate_decoded_image(width, height, mode, state.name);

  state.clip_grey16 = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16;
  if (bit_depth == 16 && !state.clip_grey16) png_set_strip_16(png);  // keeps the high byte
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color_type == PNG_COLOR_TYPE_PALETTE && bit_depth < 8) png_set_packing(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_DEFAULT);  // from here on: image data

  DecodedImage& image = state.image;
  const size_t stride = static_cast<size_t>(image.width) * channel_count(mode) * (state.clip_grey16 ? 2 : 1);
  if (png_get_rowbytes(png, info) != stride) throw Error(state.name + ": unexpected PNG row layout");
  uint8_t* target = image.pixels.data();
  if (state.clip_grey16) {
    state.grey16.resize(stride * image.height);
    target = state.grey16.data();
  }
  state.rows.resize(image.height);
  for (int y = 0; y < image.height; ++y) state.rows[y] = target + stride * y;

  if (mode == PixelMode::P) {
    png_colorp entries = nullptr;
    int count = 0;
    if (png_get_PLTE(png, info, &entries, &count) == PNG_INFO_PLTE)
      for (int i = 0; i < std::min(count, 256); ++i) {
        image.palette[i * 3 + 0] = entries[i].red;
        image.palette[i * 3 + 1] = entries[i].green;
        image.palette[i * 3 + 2] = entries[i].blue;
      }
  }
}

void on_header(png_structp png, png_infop info) {
  PngState& state = state_of(png);
  bool failed = false;
  try {
    prepare_image(state, png, info);
  } catch (const std::exception& e) {
    state.failure = e.what();
    failed = true;
  }
  if (failed) png_error(png, "header rejected");  // after the catch: nothing left to unwind
}

// With interlace handling, libpng reports every image row in every pass (without data where
// the pass has none); the last report, pass 6 row height - 1, means all rows are decoded.
void on_row(png_structp png, png_bytep row, png_uint_32 row_number, int pass) {
  PngState& state = state_of(png);
  if (row_number >= state.rows.size()) return;
  if (row) png_progressive_combine_row(png, state.rows[row_number], row);
  const int last_pass = state.interlaced ? 6 : 0;
  if (pass == last_pass && row_number + 1 == state.rows.size()) state.complete = true;
}

}  // namespace

DecodedImage decode_png(const EncodedImage& file) {
  auto state = std::make_unique<PngState>();
  state->name = file.name;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state.get(), jump_on_error, ignore_warning);
  if (!png) throw Error(file.name + ": cannot start the PNG decoder");
  DestroyOnExit destroy{png, png_create_info_struct(png)};
  if (!destroy.info) throw Error(file.name + ": cannot start the PNG decoder");
  if (setjmp(png_jmpbuf(png))) {
    // An error after the last row (trailing chunks, checksum) does not stop Pillow either.
    if (!state->complete) {
      if (!state->failure.empty()) throw Error(state->failure);
      throw Error(file.name + ": " + state->libpng_message);
    }
  } else {
    png_set_progressive_read_fn(png, state.get(), on_header, on_row, nullptr);
    png_process_data(png, destroy.info, const_cast<png_bytep>(file.data), file.size);
  }
  if (!state->complete) throw Error(file.name + ": image file is truncated");

  DecodedImage& image = state->image;
  if (state->clip_grey16)
    for (size_t i = 0; i < image.pixels.size(); ++i)
      image.pixels[i] = static_cast<uint8_t>(std::min(state->grey16[2 * i] * 256 + state->grey16[2 * i + 1], 255));
  return std::move(image);
}

}  // namespace bottleneck::image_io
