// JPEG through libjpeg-turbo with Pillow's default settings (JpegDecode.c without draft mode):
// the library's default DCT (JDCT_ISLOW) and fancy upsampling; 1 component -> L,
// 3 -> RGB, 4 -> CMYK read inverted ("CMYK;I": Adobe's convention, which Pillow assumes).
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <memory>

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

namespace {

// libjpeg's default error_exit calls exit(); ours jumps back to decode_jpeg instead.
struct JpegErrors {
  jpeg_error_mgr manager;  // first member: libjpeg's pointer to it is a pointer to us
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

[[noreturn]] void jump_on_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Pillow ignores libjpeg's warnings (corrupt data is decoded as well as it can be), except
// running out of data, which it reports as "image file is truncated"; so do we.
void note_warning(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegErrors*>(cinfo->err)->truncated = true;
}

// Everything libjpeg and the callbacks change lives here, on the heap: after a longjmp,
// locals changed since setjmp would be indeterminate.
struct JpegState {
  jpeg_decompress_struct cinfo{};
  JpegErrors errors{};
  DecodedImage image;
  ~JpegState() { jpeg_destroy_decompress(&cinfo); }  // safe on a zeroed, never-created struct
};

PixelMode mode_for(int components, const std::string& name) {
  switch (components) {
    case 1:
      return PixelMode::L;
    case 3:
      return PixelMode::RGB;
    case 4:
      return PixelMode::CMYK;
    default:
      throw Error(name + ": JPEG with " + std::to_string(components) + " components is not supported");
  }
}

J_COLOR_SPACE output_space(PixelMode mode) {
  switch (mode) {
    case PixelMode::L:
      return JCS_GRAYSCALE;
    case PixelMode::CMYK:
      return JCS_CMYK;
    default:
      return JCS_RGB;
  }
}

}  // namespace

DecodedImage decode_jpeg(const EncodedImage& file) {
  auto state = std::make_unique<JpegState>();
  jpeg_decompress_struct& cinfo = state->cinfo;
  JpegErrors& errors = state->errors;
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jump_on_error;
  errors.manager.emit_message = note_warning;
  if (setjmp(errors.jump)) throw Error(file.name + ": " + errors.message);

  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, file.data, static_cast<unsigned long>(file.size));
  jpeg_read_header(&cinfo, TRUE);
  const PixelMode mode = mode_for(cinfo.num_components, file.name);
  DecodedImage& image = state->image;
  image = allocate_decoded_image(cinfo.image_width, cinfo.image_height, mode, file.name);
  cinfo.out_color_space = output_space(mode);
  jpeg_start_decompress(&cinfo);
  const size_t stride = static_cast<size_t>(image.width) * channel_count(mode);
  if (cinfo.output_width != static_cast<JDIMENSION>(image.width) ||
      cinfo.output_height != static_cast<JDIMENSION>(image.height) ||
      cinfo.output_components != channel_count(mode))
    throw Error(file.name + ": JPEG decoder produced an unexpected layout");
  // Several rows per call: libjpeg decodes whole MCU rows (up to 16 lines) at a time.
  constexpr JDIMENSION rows_per_call = 16;
  JSAMPROW rows[rows_per_call];
  while (cinfo.output_scanline < cinfo.output_height) {
    const JDIMENSION count = std::min(rows_per_call, cinfo.output_height - cinfo.output_scanline);
    for (JDIMENSION i = 0; i < count; ++i) rows[i] = image.pixels.data() + stride * (cinfo.output_scanline + i);
    jpeg_read_scanlines(&cinfo, rows, count);
  }
  if (!errors.truncated) jpeg_finish_decompress(&cinfo);
  if (errors.truncated) throw Error(file.name + ": image file is truncated");

  if (mode == PixelMode::CMYK)
    for (uint8_t& value : image.pixels) value = static_cast<uint8_t>(255 - value);
  return std::move(image);
}

}  // namespace bottleneck::image_io
