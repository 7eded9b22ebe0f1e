// BMP, read here because Debian packages no BMP library; the rules are Pillow's
// BmpImagePlugin (9.4): OS/2 and Windows v3-v5 headers; 1, 4, 8-bit palettes; 16 (5-5-5, or
// 5-6-5 by bitfields), 24 and 32-bit pixels with Pillow's accepted bitfield masks; bottom-up,
// or top-down when the height is negative; RLE4 and RLE8 as Pillow's BmpRleDecoder.
#include <algorithm>
#include <array>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"
#include "io/image_decode_bmp_rle.hpp"

namespace bottleneck::image_io {

namespace {

constexpr size_t file_header_size = 14;

uint32_t read_u16(const uint8_t* p) { return p[0] | (p[1] << 8); }
uint32_t read_u32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

enum class Compression : uint32_t { raw = 0, rle8 = 1, rle4 = 2, bitfields = 3 };

// Where R, G and B sit in each pixel of a 24 or 32-bit layout (Pillow's raw modes BGR,
// BGRX, XBGR, ABGR, RGBA, BGRA), or how 16-bit pixels split (BGR;15, BGR;16).
struct PixelLayout {
  int bits = 0;
  std::array<int, 3> rgb_byte{};  // 24/32 bits
  bool green_6_bits = false;      // 16 bits: 5-6-5 instead of 5-5-5
};

struct BmpHeader {
  int64_t width = 0;
  int64_t height = 0;
  bool top_down = false;
  int bits = 0;
  Compression compression = Compression::raw;
  uint32_t colors = 0;
  int palette_entry_size = 4;
  std::array<uint32_t, 4> masks{};  // r, g, b, a for bitfields
};

BmpHeader read_header(const EncodedImage& file) {
  const uint8_t* data = file.data;
  if (file.size < file_header_size + 4) throw Error(file.name + ": BMP header is truncated");
  const uint32_t header_size = read_u32(data + file_header_size);
  if (header_size != 12 && header_size != 40 && header_size != 64 && header_size != 108 && header_size != 124)
    throw Error(file.name + ": unsupported BMP header type (" + std::to_string(header_size) + " bytes)");
  if (file.size < file_header_size + header_size) throw Error(file.name + ": BMP header is truncated");
  const uint8_t* info = data + file_header_size + 4;  // the header after its size field
  BmpHeader h;
  if (header_size == 12) {
    h.width = read_u16(info);
    h.height = read_u16(info + 2);
    h.bits = static_cast<int>(read_u16(info + 6));
    h.palette_entry_size = 3;
    return h;
  }
  h.width = read_u32(info);
  // Pillow takes the height as top-down exactly when its top byte is 0xFF.
  h.top_down = info[7] == 0xFF;
  h.height = h.top_down ? (int64_t{1} << 32) - read_u32(info + 4) : read_u32(info + 4);
  h.bits = static_cast<int>(read_u16(info + 10));
  h.compression = static_cast<Compression>(read_u32(info + 12));
  h.colors = read_u32(info + 28);
  if (h.compression == Compression::bitfields) {
    if (header_size >= 56) {
      for (int i = 0; i < 4; ++i) h.masks[i] = read_u32(info + 36 + 4 * i);
    } else {  // v3 headers: three masks follow the header; there is no alpha mask
      const size_t at = file_header_size + header_size;
      if (file.size < at + 12) throw Error(file.name + ": BMP bitfield masks are truncated");
      for (int i = 0; i < 3; ++i) h.masks[i] = read_u32(data + at + 4 * i);
    }
  }
  return h;
}

PixelLayout layout_for(const BmpHeader& h, const std::string& name) {
  PixelLayout layout{h.bits, {2, 1, 0}, false};
  if ((h.compression == Compression::rle8 || h.compression == Compression::rle4) && h.bits != 4 && h.bits != 8)
    throw Error(name + ": unsupported BMP RLE pixel depth (" + std::to_string(h.bits) + ")");
  if (h.compression != Compression::raw && h.compression != Compression::bitfields &&
      h.compression != Compression::rle8 && h.compression != Compression::rle4)
    throw Error(name + ": unsupported BMP compression (" + std::to_string(static_cast<uint32_t>(h.compression)) + ")");
  if (h.bits != 1 && h.bits != 4 && h.bits != 8 && h.bits != 16 && h.bits != 24 && h.bits != 32)
    throw Error(name + ": unsupported BMP pixel depth (" + std::to_string(h.bits) + ")");
  if (h.compression != Compression::bitfields) return layout;

  const auto& m = h.masks;
  const auto masks_are = [&](uint32_t r, uint32_t g, uint32_t b) { return m[0] == r && m[1] == g && m[2] == b; };
  if (h.bits == 32) {
    if (masks_are(0xFF0000, 0xFF00, 0xFF) && (m[3] == 0 || m[3] == 0xFF000000)) return layout;  // BGRX, BGRA
    if (masks_are(0, 0, 0) && m[3] == 0) return layout;                                        // BGRA
    if (masks_are(0xFF000000, 0xFF0000, 0xFF00) && (m[3] == 0 || m[3] == 0xFF)) {             // XBGR, ABGR
      layout.rgb_byte = {3, 2, 1};
      return layout;
    }
    if (masks_are(0xFF, 0xFF00, 0xFF0000) && m[3] == 0xFF000000) {  // RGBA
      layout.rgb_byte = {0, 1, 2};
      return layout;
    }
  }
  if (h.bits == 24 && masks_are(0xFF0000, 0xFF00, 0xFF)) return layout;
  if (h.bits == 16 && masks_are(0x7C00, 0x3E0, 0x1F)) return layout;
  if (h.bits == 16 && masks_are(0xF800, 0x7E0, 0x1F)) {
    layout.green_6_bits = true;
    return layout;
  }
  throw Error(name + ": unsupported BMP bitfields layout");
}

// Pillow's unpackers: 5 or 6-bit fields scaled by value * 255 / max, truncating.
void unpack_16(const uint8_t* in, uint8_t* out, int width, bool green_6_bits) {
  for (int x = 0; x < width; ++x, in += 2, out += 3) {
    const uint32_t pixel = read_u16(in);
    if (green_6_bits) {
      out[0] = static_cast<uint8_t>(((pixel >> 11) & 31) * 255 / 31);
      out[1] = static_cast<uint8_t>(((pixel >> 5) & 63) * 255 / 63);
    } else {
      out[0] = static_cast<uint8_t>(((pixel >> 10) & 31) * 255 / 31);
      out[1] = static_cast<uint8_t>(((pixel >> 5) & 31) * 255 / 31);
    }
    out[2] = static_cast<uint8_t>((pixel & 31) * 255 / 31);
  }
}

void unpack_indices(const uint8_t* in, uint8_t* out, int width, int bits) {
  const int per_byte = 8 / bits;
  const int mask = (1 << bits) - 1;
  for (int x = 0; x < width; ++x) {
    const int shift = 8 - bits * (x % per_byte + 1);  // most significant bits first
    out[x] = static_cast<uint8_t>((in[x / per_byte] >> shift) & mask);
  }
}

}  // namespace

DecodedImage decode_bmp(const EncodedImage& file) {
  const BmpHeader header = read_header(file);
  const PixelLayout layout = layout_for(header, file.name);
  const bool indexed = header.bits <= 8;
  DecodedImage image =
      allocate_decoded_image(header.width, header.height, indexed ? PixelMode::P : PixelMode::RGB, file.name);
  const uint32_t header_size = read_u32(file.data + file_header_size);

  size_t pixel_offset = read_u32(file.data + 10);
  if (indexed) {
    const uint64_t colors = header.colors ? header.colors : (uint64_t{1} << header.bits);
    if (colors > 65536) throw Error(file.name + ": unsupported BMP palette size (" + std::to_string(colors) + ")");
    // Pillow's rule: pixel data said to start right after the header starts after the palette.
    if (pixel_offset == file_header_size + header_size) pixel_offset += 4 * colors;
    const size_t palette_at = file_header_size + header_size;
    const size_t available = (file.size - palette_at) / header.palette_entry_size;
    const size_t entries = std::min<uint64_t>({colors, 256, available});
    for (size_t i = 0; i < entries; ++i) {
      const uint8_t* bgr = file.data + palette_at + i * header.palette_entry_size;
      image.palette[i * 3 + 0] = bgr[2];
      image.palette[i * 3 + 1] = bgr[1];
      image.palette[i * 3 + 2] = bgr[0];
    }
  } else if (pixel_offset == 0) {
    pixel_offset = file_header_size + header_size;
  }

  if (header.compression == Compression::rle8 || header.compression == Compression::rle4) {
    if (pixel_offset > file.size) throw Error(file.name + ": image file is truncated");
    const std::vector<uint8_t> indices =
        decode_bmp_rle(file, pixel_offset, image.width, image.height, header.compression == Compression::rle4);
    for (int y = 0; y < image.height; ++y) {
      const int file_row = header.top_down ? y : image.height - 1 - y;
      std::copy_n(indices.begin() + static_cast<std::ptrdiff_t>(file_row) * image.width, image.width,
                  image.pixels.begin() + static_cast<std::ptrdiff_t>(y) * image.width);
    }
    return image;
  }

  const size_t stride = ((static_cast<size_t>(image.width) * header.bits + 31) >> 3) & ~size_t{3};
  const size_t row_bytes = (static_cast<size_t>(image.width) * header.bits + 7) >> 3;
  // The last row needs its pixels, not its padding.
  if (pixel_offset > file.size || file.size - pixel_offset < row_bytes ||
      (file.size - pixel_offset - row_bytes) / stride < static_cast<size_t>(image.height - 1))
    throw Error(file.name + ": image file is truncated");

  const int channels = channel_count(image.mode);
  for (int y = 0; y < image.height; ++y) {
    const int file_row = header.top_down ? y : image.height - 1 - y;
    const uint8_t* in = file.data + pixel_offset + stride * file_row;
    uint8_t* out = image.pixels.data() + static_cast<size_t>(y) * image.width * channels;
    if (indexed) {
      unpack_indices(in, out, image.width, header.bits);
    } else if (header.bits == 16) {
      unpack_16(in, out, image.width, layout.green_6_bits);
    } else {
      const int step = header.bits / 8;
      for (int x = 0; x < image.width; ++x, in += step, out += 3)
        for (int c = 0; c < 3; ++c) out[c] = in[layout.rgb_byte[c]];
    }
  }
  return image;
}

}  // namespace bottleneck::image_io
