// TIFF through libtiff; the first page is read, as Pillow does. Most layouts go through
// libtiff's RGBA interface, which handles every photometric and compression libtiff knows,
// with two adjustments to keep Pillow's values: unassociated alpha is not multiplied into the
// colours (Pillow keeps them and convert('RGB') drops the alpha), and associated
// (premultiplied) alpha is divided out as Pillow's "RGBa" unpacker does. The layouts where
// RGBA reading would round differently from Pillow are read from their raw samples instead
// (when stored in strips): 16-bit grey (Pillow's I;16, clipped to 0..255 by convert('RGB')),
// 16-bit RGB (Pillow keeps the high byte) and 8-bit CMYK (Pillow's CMYK conversion).
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

// No codec libtiff uses turns one byte of a file into more pixels than this (deflate's best
// is about 1032 bytes per byte, 8 pixels a byte at 1 bit per pixel): a header that promises
// more is lying, and is refused before the pixels are allocated (a 1 KB file claiming 170
// million pixels had 682 MB allocated before its strips turned out to be missing).
constexpr uint64_t max_pixels_per_file_byte = 16384;
constexpr uint64_t pixels_any_file_may_claim = uint64_t{1} << 20;

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

// Layouts read from raw samples rather than through libtiff's RGBA interface.
enum class RawLayout { none, grey16, rgb16, cmyk8 };

RawLayout raw_layout_of(TIFF* tiff) {
  uint16_t bits = 0, samples = 0, planar = 0, format = 0, photometric = 0, inkset = 0;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_INKSET, &inkset);
  if (!TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric) || TIFFIsTiled(tiff) || planar != PLANARCONFIG_CONTIG ||
      format != SAMPLEFORMAT_UINT)
    return RawLayout::none;
  if (photometric == PHOTOMETRIC_MINISBLACK && bits == 16 && samples == 1) return RawLayout::grey16;
  if (photometric == PHOTOMETRIC_RGB && bits == 16 && samples == 3) return RawLayout::rgb16;
  if (photometric == PHOTOMETRIC_SEPARATED && bits == 8 && samples == 4 && inkset == INKSET_CMYK) return RawLayout::cmyk8;
  return RawLayout::none;
}

struct OpenTiff {
  TIFF* tiff;
  const std::string& name;
  const TiffMessage& message;

  Error failure(const char* fallback) const {
    return Error(name + ": " + (message.text[0] ? message.text : fallback));
  }
};

DecodedImage read_raw(const OpenTiff& file, RawLayout layout, uint32_t width, uint32_t height) {
  const PixelMode mode = layout == RawLayout::grey16 ? PixelMode::L : layout == RawLayout::rgb16 ? PixelMode::RGB : PixelMode::CMYK;
  DecodedImage image = allocate_decoded_image(width, height, mode, file.name);
  const size_t samples_per_row = static_cast<size_t>(width) * channel_count(mode);
  const size_t row_bytes = samples_per_row * (layout == RawLayout::cmyk8 ? 1 : 2);
  if (static_cast<size_t>(TIFFScanlineSize64(file.tiff)) != row_bytes) throw file.failure("unexpected TIFF row layout");
  std::vector<uint16_t> wide(layout == RawLayout::cmyk8 ? 0 : samples_per_row);  // native-endian from libtiff
  for (uint32_t y = 0; y < height; ++y) {
    uint8_t* out = image.pixels.data() + y * samples_per_row;
    void* target = layout == RawLayout::cmyk8 ? static_cast<void*>(out) : static_cast<void*>(wide.data());
    if (TIFFReadScanline(file.tiff, target, y, 0) < 0) throw file.failure("cannot decode the TIFF image");
    if (layout == RawLayout::grey16)
      for (size_t i = 0; i < samples_per_row; ++i) out[i] = static_cast<uint8_t>(std::min<uint16_t>(wide[i], 255));
    else if (layout == RawLayout::rgb16)
      for (size_t i = 0; i < samples_per_row; ++i) out[i] = static_cast<uint8_t>(wide[i] >> 8);
  }
  return image;
}

DecodedImage read_rgba(const OpenTiff& file, uint32_t width, uint32_t height) {
  DecodedImage image = allocate_decoded_image(width, height, PixelMode::RGB, file.name);
  const bool premultiplied = take_over_alpha(file.tiff) == EXTRASAMPLE_ASSOCALPHA;
  std::vector<uint32_t> raster(static_cast<size_t>(width) * height);
  if (!TIFFReadRGBAImageOriented(file.tiff, width, height, raster.data(), ORIENTATION_TOPLEFT, 1))
    throw file.failure("cannot decode the TIFF image");
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

}  // namespace

DecodedImage decode_tiff(const EncodedImage& file) {
  TiffInput input{file.data, file.size, 0};
  TiffMessage message{};
  std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> options(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
  if (!options) throw Error(file.name + ": cannot start the TIFF decoder");
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), keep_first_error, &message);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), ignore_warning, nullptr);
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), max_single_allocation);

  std::unique_ptr<TIFF, void (*)(TIFF*)> tiff(
      TIFFClientOpenExt(file.name.c_str(), "r", &input, read_input, refuse_write, seek_input, close_input, input_size,
                        map_input, unmap_input, options.get()),
      TIFFClose);
  const OpenTiff open{tiff.get(), file.name, message};
  if (!tiff) throw open.failure("not a readable TIFF file");
  uint32_t width = 0, height = 0;
  if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height))
    throw open.failure("TIFF without image dimensions");
  if (static_cast<uint64_t>(width) * height > max_pixels_per_file_byte * file.size + pixels_any_file_may_claim)
    throw Error(file.name + ": TIFF claims " + std::to_string(width) + "x" + std::to_string(height) + " pixels, more than its " +
                std::to_string(file.size) + " bytes can hold");
  const RawLayout layout = raw_layout_of(tiff.get());
  return layout == RawLayout::none ? read_rgba(open, width, height) : read_raw(open, layout, width, height);
}

}  // namespace bottleneck::image_io
