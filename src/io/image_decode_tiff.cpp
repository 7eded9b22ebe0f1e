// TIFF through libtiff's RGBA interface, which handles every photometric and compression
// libtiff knows; the first page is read, as Pillow does. Two adjustments keep Pillow's
// values where libtiff's RGBA reading would differ: unassociated alpha is not multiplied into
// the colours (Pillow keeps them and convert('RGB') drops the alpha), and associated
// (premultiplied) alpha is divided out as Pillow's "RGBa" unpacker does.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

namespace {

// libtiff's own strip and tile buffers; real images stay far below this.
constexpr tmsize_t max_single_allocation = tmsize_t{1} << 30;

struct TiffInput {
  const uint8_t* data;
  size_t size;
  size_t offset;
};

TiffInput& input_of(thandle_t handle) { return *static_cast<TiffInput*>(handle); }

tmsize_t read_input(thandle_t handle, void* out, tmsize_t count) {
  TiffInput& input = input_of(handle);
  const size_t n = std::min(static_cast<size_t>(std::max<tmsize_t>(count, 0)), input.size - input.offset);
  std::memcpy(out, input.data + input.offset, n);
  input.offset += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t refuse_write(thandle_t, void*, tmsize_t) { return -1; }

toff_t seek_input(thandle_t handle, toff_t offset, int whence) {
  TiffInput& input = input_of(handle);
  const toff_t base = whence == SEEK_CUR ? input.offset : whence == SEEK_END ? input.size : 0;
  const toff_t target = base + offset;
  if (target > input.size) return static_cast<toff_t>(-1);
  input.offset = static_cast<size_t>(target);
  return target;
}

int close_input(thandle_t) { return 0; }
toff_t input_size(thandle_t handle) { return input_of(handle).size; }

// The bytes are already in memory: letting libtiff "map" them spares it copying strips.
int map_input(thandle_t handle, void** base, toff_t* size) {
  *base = const_cast<uint8_t*>(input_of(handle).data);
  *size = input_of(handle).size;
  return 1;
}
void unmap_input(thandle_t, void*, toff_t) {}

struct TiffMessage {
  char text[200];
};

// libtiff prints errors and warnings to stderr by default; we keep the first error for our
// Error and drop warnings (returning 1 stops the global handlers too).
int keep_first_error(TIFF*, void* user_data, const char*, const char* format, va_list arguments) {
  auto* message = static_cast<TiffMessage*>(user_data);
  if (message->text[0] == '\0') std::vsnprintf(message->text, sizeof message->text, format, arguments);
  return 1;
}
int ignore_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

// Returns the alpha kind of the first extra sample, and reports any alpha to libtiff as
// associated, so that it hands the stored colours back untouched.
uint16_t take_over_alpha(TIFF* tiff) {
  uint16_t count = 0;
  uint16_t* kinds = nullptr;
  if (!TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &count, &kinds) || count == 0) return EXTRASAMPLE_UNSPECIFIED;
  const uint16_t alpha = kinds[0];
  if (alpha == EXTRASAMPLE_UNASSALPHA) {
    std::vector<uint16_t> associated(kinds, kinds + count);
    associated[0] = EXTRASAMPLE_ASSOCALPHA;
    TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, count, associated.data());
  }
  return alpha;
}

// Pillow's unpackRGBa: colour * 255 / alpha, clipped; zero alpha gives black.
uint8_t unpremultiply(uint32_t colour, uint32_t alpha) {
  if (alpha == 0) return 0;
  return static_cast<uint8_t>(std::min<uint32_t>(colour * 255 / alpha, 255));
}

}  // namespace

DecodedImage decode_tiff(const EncodedImage& file) {
  TiffInput input{file.data, file.size, 0};
  TiffMessage message{};
  std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> options(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
  if (!options) throw Error(file.name + ": cannot start the TIFF decoder");
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), keep_first_error, &message);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), ignore_warning, nullptr);
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), max_single_allocation);
  const auto fail = [&](const char* fallback) {
    return Error(file.name + ": " + (message.text[0] ? message.text : fallback));
  };

  std::unique_ptr<TIFF, void (*)(TIFF*)> tiff(
      TIFFClientOpenExt(file.name.c_str(), "r", &input, read_input, refuse_write, seek_input, close_input, input_size,
                        map_input, unmap_input, options.get()),
      TIFFClose);
  if (!tiff) throw fail("not a readable TIFF file");
  uint32_t width = 0, height = 0;
  if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height))
    throw fail("TIFF without image dimensions");
  DecodedImage image = allocate_decoded_image(width, height, PixelMode::RGB, file.name);
  const bool premultiplied = take_over_alpha(tiff.get()) == EXTRASAMPLE_ASSOCALPHA;

  std::vector<uint32_t> raster(static_cast<size_t>(width) * height);
  if (!TIFFReadRGBAImageOriented(tiff.get(), width, height, raster.data(), ORIENTATION_TOPLEFT, 1))
    throw fail("cannot decode the TIFF image");
  uint8_t* out = image.pixels.data();
  for (uint32_t abgr : raster) {
    if (premultiplied) {
      const uint32_t alpha = TIFFGetA(abgr);
      *out++ = unpremultiply(TIFFGetR(abgr), alpha);
      *out++ = unpremultiply(TIFFGetG(abgr), alpha);
      *out++ = unpremultiply(TIFFGetB(abgr), alpha);
    } else {
      *out++ = static_cast<uint8_t>(TIFFGetR(abgr));
      *out++ = static_cast<uint8_t>(TIFFGetG(abgr));
      *out++ = static_cast<uint8_t>(TIFFGetB(abgr));
    }
  }
  return image;
}

}  // namespace bottleneck::image_io
