// The bad-input corpus, generated here: broken images, weight files, model files (.h5 and
// .keras), .npy files, unusable paths and a full disk, each given to the command-line tool.
// Every case must fail with a non-zero exit, exactly one stderr line "error: ..." naming the
// offending file, and leave no output behind (an output that existed before stays
// byte-identical, no temporary files).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bottleneck/applications.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/hdf5_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using testing::run_cli;
using testing::scratch_dir;

// ---------------------------------------------------------------- writing bytes

fs::path write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}
Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}
Bytes text_bytes(const std::string& text) { return Bytes(text.begin(), text.end()); }
Bytes prefix(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size()))); }
void put_u16(Bytes& b, uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)}); }
void put_u32(Bytes& b, uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}); }
void put_u32_big(Bytes& b, uint32_t v) { b.insert(b.end(), {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}); }
void set_u32(Bytes& b, size_t at, uint32_t v) { for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i)); }

// ---------------------------------------------------------------- small valid images

// 16x16 baseline JPEGs (RGB and Adobe CMYK, quality 50), written once with libjpeg-turbo.
const Bytes tiny_rgb_jpeg = {
    0xff,0xd8,0xff,0xe0,0x00,0x10,0x4a,0x46,0x49,0x46,0x00,0x01,0x01,0x00,0x00,0x01,0x00,0x01,0x00,0x00,
    0xff,0xdb,0x00,0x43,0x00,0x10,0x0b,0x0c,0x0e,0x0c,0x0a,0x10,0x0e,0x0d,0x0e,0x12,0x11,0x10,0x13,0x18,
    0x28,0x1a,0x18,0x16,0x16,0x18,0x31,0x23,0x25,0x1d,0x28,0x3a,0x33,0x3d,0x3c,0x39,0x33,0x38,0x37,0x40,
    0x48,0x5c,0x4e,0x40,0x44,0x57,0x45,0x37,0x38,0x50,0x6d,0x51,0x57,0x5f,0x62,0x67,0x68,0x67,0x3e,0x4d,
    0x71,0x79,0x70,0x64,0x78,0x5c,0x65,0x67,0x63,0xff,0xdb,0x00,0x43,0x01,0x11,0x12,0x12,0x18,0x15,0x18,
    0x2f,0x1a,0x1a,0x2f,0x63,0x42,0x38,0x42,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,
    0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,
    0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0x63,0xff,0xc0,
    0x00,0x11,0x08,0x00,0x10,0x00,0x10,0x03,0x01,0x22,0x00,0x02,0x11,0x01,0x03,0x11,0x01,0xff,0xc4,0x00,
    0x16,0x00,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x05,0x04,
    0x06,0xff,0xc4,0x00,0x25,0x10,0x00,0x01,0x02,0x05,0x02,0x07,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x01,0x02,0x03,0x00,0x04,0x05,0x21,0x31,0x11,0xa1,0x13,0x22,0x32,0x41,0x42,0x51,0x61,0xf0,
    0xff,0xc4,0x00,0x15,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x02,0xff,0xc4,0x00,0x1e,0x11,0x00,0x01,0x03,0x04,0x03,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x01,0x00,0x03,0x04,0x02,0x21,0x23,0x31,0x41,0x61,0xd1,0xff,0xda,0x00,0x0c,0x03,
    0x01,0x00,0x02,0x11,0x03,0x11,0x00,0x3f,0x00,0x16,0x89,0x2d,0xd3,0x68,0xd8,0xa6,0x65,0x34,0xd9,0x05,
    0xbd,0x62,0xe0,0x1a,0x20,0x1e,0xea,0x38,0xfd,0xeb,0x58,0x06,0x92,0xd8,0x6c,0x26,0xda,0x93,0x81,0x15,
    0xd4,0x9e,0xe2,0xcc,0x35,0x26,0x9c,0x37,0xce,0xbb,0x79,0x1c,0x6c,0x77,0xf9,0x09,0x36,0xac,0x32,0xde,
    0xf9,0xe8,0x7a,0xa6,0x16,0x77,0x40,0x3a,0x5f,0xff,0xd9,};
const Bytes tiny_cmyk_jpeg = {
    0xff,0xd8,0xff,0xee,0x00,0x0e,0x41,0x64,0x6f,0x62,0x65,0x00,0x64,0x00,0x00,0x00,0x00,0x00,0xff,0xdb,
    0x00,0x43,0x00,0x10,0x0b,0x0c,0x0e,0x0c,0x0a,0x10,0x0e,0x0d,0x0e,0x12,0x11,0x10,0x13,0x18,0x28,0x1a,
    0x18,0x16,0x16,0x18,0x31,0x23,0x25,0x1d,0x28,0x3a,0x33,0x3d,0x3c,0x39,0x33,0x38,0x37,0x40,0x48,0x5c,
    0x4e,0x40,0x44,0x57,0x45,0x37,0x38,0x50,0x6d,0x51,0x57,0x5f,0x62,0x67,0x68,0x67,0x3e,0x4d,0x71,0x79,
    0x70,0x64,0x78,0x5c,0x65,0x67,0x63,0xff,0xc0,0x00,0x14,0x08,0x00,0x10,0x00,0x10,0x04,0x43,0x11,0x00,
    0x4d,0x11,0x00,0x59,0x11,0x00,0x4b,0x11,0x00,0xff,0xc4,0x00,0x1a,0x00,0x00,0x02,0x02,0x03,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x04,0x05,0x06,0x07,0x01,0x02,0x03,0xff,0xc4,0x00,
    0x2f,0x10,0x00,0x01,0x02,0x04,0x03,0x05,0x06,0x07,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x02,
    0x03,0x00,0x04,0x05,0x11,0x12,0x21,0x31,0x22,0x32,0x41,0x42,0x51,0x06,0x13,0x14,0x61,0x62,0xa1,0x23,
    0x33,0x71,0x81,0x91,0xb1,0xf0,0xff,0xda,0x00,0x0e,0x04,0x43,0x00,0x4d,0x00,0x59,0x00,0x4b,0x00,0x00,
    0x3f,0x00,0x8d,0xd1,0x39,0x61,0x3d,0x12,0x53,0x77,0x28,0x0e,0x89,0x4a,0xdd,0xd9,0x8c,0x52,0x68,0x68,
    0x69,0xbe,0xf1,0xcc,0x28,0x42,0x06,0x25,0x29,0x46,0xc1,0x20,0x6a,0x49,0x8b,0x02,0x89,0xcb,0x12,0xe7,
    0xa6,0xd1,0x45,0xa3,0xbb,0x38,0xac,0x25,0x69,0x18,0x5a,0x49,0xe6,0x59,0xd0,0x5a,0xe2,0xfd,0x4d,0xb3,
    0xb0,0x30,0xde,0xad,0x58,0x45,0x19,0xbf,0x07,0x25,0x85,0x75,0x05,0x8c,0xcd,0xae,0x19,0x07,0x89,0xf3,
    0xe8,0x3e,0xe7,0x2b,0x03,0xb5,0x42,0xb5,0xf3,0x24,0x28,0xc3,0xd2,0xa9,0xb4,0x9f,0xc8,0x47,0xb6,0xd7,
    0xd6,0xdc,0x0c,0x57,0xf4,0x4e,0x58,0x5b,0x44,0x94,0xdd,0xca,0x3a,0x4f,0xd4,0x58,0xec,0xfc,0xaa,0x42,
    0x52,0x97,0x67,0x5c,0x1f,0x09,0xae,0x9e,0xa5,0x79,0x7e,0xf4,0xea,0x40,0xb3,0x93,0xb3,0x75,0xc7,0x14,
    0xc3,0x61,0x4c,0x53,0xee,0x30,0xb3,0x61,0x75,0x5b,0x42,0xa3,0xef,0x6d,0x05,0x86,0xa4,0x5e,0x2c,0x0a,
    0x27,0x2c,0x0f,0xdb,0x09,0xde,0xfa,0x71,0x8a,0x4b,0x5b,0x8c,0x59,0xc7,0x72,0xd5,0x64,0x6c,0x8d,0x38,
    0x24,0xdf,0x23,0xcd,0xe5,0x08,0x29,0xb2,0x2e,0x4c,0xcc,0x2e,0x61,0xed,0xa7,0x5d,0x59,0x5a,0xd5,0x60,
    0x2e,0x49,0xb9,0x39,0x43,0x26,0xa4,0xe5,0x69,0x12,0x26,0x6e,0x70,0xe1,0x6d,0x39,0x00,0x06,0xd2,0xcf,
    0x04,0x81,0xc4,0xff,0x00,0x69,0x1f,0xff,0xd9,};

// The offset of the first JPEG marker `code` (e.g. 0xC0 for SOF0).
size_t jpeg_marker(const Bytes& jpeg, uint8_t code) {
  for (size_t i = 2; i + 1 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == code) return i;
  ADD_FAILURE() << "no JPEG marker " << int(code);
  return 0;
}

uint32_t crc32(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    c ^= data[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
void put_png_chunk(Bytes& png, const char* type, const Bytes& data) {
  put_u32_big(png, static_cast<uint32_t>(data.size()));
  Bytes body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  png.insert(png.end(), body.begin(), body.end());
  put_u32_big(png, crc32(body.data(), body.size()));
}
// A PNG with stored (uncompressed) deflate blocks: grey ramp rows, filter 0.
Bytes png_bytes(uint32_t width, uint32_t height, uint8_t bit_depth = 8, uint8_t colour_type = 2) {
  const int channels = colour_type == 2 ? 3 : colour_type == 6 ? 4 : 1;
  const size_t row = 1 + size_t(width) * channels * bit_depth / 8;
  Bytes raw;
  for (uint32_t y = 0; y < std::min<uint32_t>(height, 64); ++y) {
    raw.push_back(0);
    for (size_t x = 1; x < row; ++x) raw.push_back(uint8_t(x * 7 + y));
  }
  Bytes z = {0x78, 0x01};
  for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    z.push_back(at + n >= raw.size() ? 1 : 0);
    put_u16(z, uint32_t(n));
    put_u16(z, uint32_t(~n & 0xFFFF));
    z.insert(z.end(), raw.begin() + at, raw.begin() + at + n);
  }
  uint32_t a = 1, b = 0;
  for (uint8_t v : raw) a = (a + v) % 65521, b = (b + a) % 65521;
  put_u32_big(z, (b << 16) | a);
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  put_u32_big(ihdr, width);
  put_u32_big(ihdr, height);
  ihdr.insert(ihdr.end(), {bit_depth, colour_type, 0, 0, 0});
  put_png_chunk(png, "IHDR", ihdr);
  put_png_chunk(png, "IDAT", z);
  put_png_chunk(png, "IEND", {});
  return png;
}

// A 24-bit bottom-up BMP (BITMAPINFOHEADER); `bits` and `compression` may be set to nonsense.
Bytes bmp_bytes(int32_t width, int32_t height, uint16_t bits = 24, uint32_t compression = 0) {
  const uint32_t stride = (uint32_t(std::abs(width)) * 3 + 3) & ~3u;
  const uint32_t pixels = std::abs(height) <= 64 ? stride * uint32_t(std::abs(height)) : 0;
  Bytes b = {'B', 'M'};
  put_u32(b, 54 + pixels);
  put_u32(b, 0);
  put_u32(b, 54);
  put_u32(b, 40);
  put_u32(b, uint32_t(width));
  put_u32(b, uint32_t(height));
  put_u16(b, 1);
  put_u16(b, bits);
  put_u32(b, compression);
  put_u32(b, pixels);
  for (int i = 0; i < 4; ++i) put_u32(b, 0);
  for (uint32_t i = 0; i < pixels; ++i) b.push_back(uint8_t(i));
  return b;
}

// An uncompressed little-endian TIFF in one strip: photometric 2 (RGB) or 5 (CMYK, 4 samples).
Bytes tiff_bytes(uint32_t width, uint32_t height, uint16_t samples = 3, uint16_t bits = 8, uint16_t photometric = 2) {
  const uint32_t strip = width * height <= 4096 ? width * height * samples * bits / 8 : 64;
  Bytes b = {'I', 'I', 42, 0};
  const uint32_t bits_offset = 8 + strip;
  const uint32_t ifd = (bits_offset + 2 * samples + 1) & ~1u;
  put_u32(b, ifd);
  for (uint32_t i = 0; i < strip; ++i) b.push_back(uint8_t(i * 3));
  for (int i = 0; i < samples; ++i) put_u16(b, bits);
  b.resize(ifd, 0);
  const uint32_t entries[][4] = {{256, 4, 1, width}, {257, 4, 1, height}, {258, 3, samples, bits_offset},
                                 {259, 3, 1, 1},     {262, 3, 1, photometric}, {273, 4, 1, 8},
                                 {277, 3, 1, samples}, {278, 4, 1, height}, {279, 4, 1, strip}, {284, 3, 1, 1}};
  put_u16(b, std::size(entries));
  for (const auto& e : entries) {
    put_u16(b, e[0]);
    put_u16(b, e[1]);
    put_u32(b, e[2]);
    put_u32(b, e[3]);
  }
  put_u32(b, 0);
  return b;
}

// ---------------------------------------------------------------- the contract

// What a command may touch: files that must not appear, and files that existed before and
// must come out unchanged. Folders are also checked for leftover temporary files.
struct Outputs {
  std::vector<fs::path> absent;
  std::vector<std::pair<fs::path, Bytes>> unchanged;
  std::vector<fs::path> folders;
};

Outputs outputs_of(const std::vector<fs::path>& paths) {
  Outputs o;
  for (const fs::path& p : paths) {
    if (fs::is_regular_file(p)) o.unchanged.emplace_back(p, read_bytes(p));
    else if (!fs::exists(p)) o.absent.push_back(p);
    if (fs::is_directory(p.parent_path())) o.folders.push_back(p.parent_path());
  }
  return o;
}

// Runs the tool and checks the whole failure contract; returns the error line.
std::string expect_clean_failure(const std::vector<std::string>& args, const fs::path& named,
                                 const std::vector<fs::path>& output_paths) {
  const Outputs before = outputs_of(output_paths);
  const testing::CommandResult r = run_cli(args);
  std::string command;
  for (const auto& a : args) command += a + " ";
  SCOPED_TRACE(command);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal";
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(named.string()), std::string::npos) << "error does not name " << named << ": " << r.err;
  for (const fs::path& p : before.absent) EXPECT_FALSE(fs::exists(p)) << p << " was created";
  for (const auto& [p, bytes] : before.unchanged) EXPECT_EQ(read_bytes(p), bytes) << p << " was damaged";
  for (const fs::path& folder : before.folders)
    for (const auto& entry : fs::directory_iterator(folder))
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path() << " left behind";
  return r.err;
}

struct BadFile {
  std::string name;  // file name, its extension as a user would give it
  Bytes bytes;
};

// Tallies for the closing report: printed by each test as "bad inputs: N <class>".
void report(const std::string& what, int count) { std::cout << "bad inputs: " << count << " " << what << "\n"; }

// ---------------------------------------------------------------- images

std::vector<BadFile> bad_images() {
  const Bytes jpeg = tiny_rgb_jpeg;
  const size_t sof = jpeg_marker(jpeg, 0xC0), sos = jpeg_marker(jpeg, 0xDA);
  Bytes jpeg_huge = jpeg, jpeg_zero = jpeg, jpeg_12bit = jpeg, jpeg_no_tables = jpeg;
  jpeg_huge[sof + 5] = jpeg_huge[sof + 6] = jpeg_huge[sof + 7] = jpeg_huge[sof + 8] = 0xFF;  // 65535x65535
  jpeg_zero[sof + 7] = jpeg_zero[sof + 8] = 0;                                               // width 0
  jpeg_12bit[sof + 4] = 12;
  jpeg_no_tables[jpeg_marker(jpeg, 0xDB) + 1] = 0x01;  // the quantisation tables' marker garbled

  const Bytes png = png_bytes(8, 8);
  Bytes png_bad_crc = png, png_bad_depth = png_bytes(8, 8, 3), png_no_idat = prefix(png, 33);
  png_bad_crc[29] ^= 0xFF;
  put_png_chunk(png_no_idat, "IEND", {});
  const Bytes png16 = png_bytes(8, 8, 16);

  const Bytes bmp = bmp_bytes(8, 8);
  const Bytes tiff = tiff_bytes(8, 8), cmyk_tiff = tiff_bytes(8, 8, 4, 8, 5);
  Bytes tiff_bad_ifd = tiff, tiff_bad_strip = tiff;
  set_u32(tiff_bad_ifd, 4, 1u << 30);
  // The strip offset (tag 273, the sixth IFD entry) points far beyond the end of the file.
  const uint32_t ifd = tiff[4] | tiff[5] << 8 | tiff[6] << 16 | uint32_t(tiff[7]) << 24;
  set_u32(tiff_bad_strip, ifd + 2 + 12 * 5 + 8, 1u << 30);

  return {
      {"empty.jpg", {}},
      {"text.jpg", text_bytes("this is not a picture\n")},
      {"html.png", text_bytes("<html><body>404 Not Found</body></html>\n")},
      {"jpeg-cut-at-3.jpg", prefix(jpeg, 3)},
      {"jpeg-cut-in-tables.jpg", prefix(jpeg, sof / 2)},
      {"jpeg-cut-in-frame-header.jpg", prefix(jpeg, sof + 6)},
      {"jpeg-cut-before-scan.jpg", prefix(jpeg, sos)},
      {"jpeg-cut-in-scan.jpg", prefix(jpeg, sos + 20)},
      {"jpeg-65535x65535.jpg", jpeg_huge},
      {"jpeg-width-0.jpg", jpeg_zero},
      {"jpeg-12-bit-claim.jpg", jpeg_12bit},
      {"jpeg-no-quantisation-table.jpg", jpeg_no_tables},
      {"cmyk-jpeg-cut-in-scan.jpg", prefix(tiny_cmyk_jpeg, jpeg_marker(tiny_cmyk_jpeg, 0xDA) + 20)},
      {"png-cut-in-signature.png", prefix(png, 5)},
      {"png-cut-in-header.png", prefix(png, 20)},
      {"png-cut-in-data.png", prefix(png, 60)},
      {"png-bad-header-crc.png", png_bad_crc},
      {"png-bit-depth-3.png", png_bad_depth},
      {"png-no-image-data.png", png_no_idat},
      {"png-100000x100000.png", png_bytes(100000, 100000)},
      {"png-0x8.png", png_bytes(0, 8)},
      {"png16-cut-in-data.png", prefix(png16, 80)},
      {"bmp-cut-in-header.bmp", prefix(bmp, 20)},
      {"bmp-cut-in-pixels.bmp", prefix(bmp, 100)},
      {"bmp-100000x100000.bmp", bmp_bytes(100000, 100000)},
      {"bmp-7-bit.bmp", bmp_bytes(8, 8, 7)},
      {"bmp-compression-99.bmp", bmp_bytes(8, 8, 24, 99)},
      {"bmp-width-0.bmp", bmp_bytes(0, 8)},
      {"tiff-cut-in-header.tif", prefix(tiff, 6)},
      {"tiff-cut-in-pixels.tif", prefix(tiff, 100)},
      {"tiff-ifd-beyond-end.tif", tiff_bad_ifd},
      {"tiff-strip-beyond-end.tif", tiff_bad_strip},
      {"tiff-100000x100000.tif", tiff_bytes(100000, 100000)},
      {"cmyk-tiff-cut-in-pixels.tif", prefix(cmyk_tiff, 150)},
      {"tiff16-cut-in-pixels.tif", prefix(tiff_bytes(8, 8, 3, 16), 200)},
      {"ppm-100000x100000.ppm", text_bytes("P6\n100000 100000\n255\n")},
      {"ppm-cut.ppm", text_bytes("P6\n8 8\n255\nabc")},
  };
}

const std::vector<std::string> small_model = {"--model", "squeezenet", "--weights", "random", "--target-size", "64x64",
                                               "-q"};
std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Runs the tool on a small file whose headers claim a huge size: it must fail (exit 1) without
// allocating what the headers claim.
void expect_refusal_in_little_memory(const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(BOTTLENECK_CLI)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const int out = ::open("/dev/null", O_WRONLY);
    ::dup2(out, 1), ::dup2(out, 2);
    ::execv(BOTTLENECK_CLI, argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(child, &status, 0, &usage);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_LT(usage.ru_maxrss, 150 * 1024) << "peak memory in KiB";
}

TEST(BadImages, LoadImgFailsCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-images-load-img");
  const fs::path out = dir / "out", previous = out / "previous.npy";
  fs::create_directories(out);
  write_bytes(previous, text_bytes("an earlier result"));
  int count = 0;
  for (const BadFile& bad : bad_images()) {
    SCOPED_TRACE(bad.name);
    const fs::path image = write_bytes(dir / bad.name, bad.bytes);
    expect_clean_failure({"load-img", image.string(), "-o", (out / "x.npy").string()}, image, {out / "x.npy"});
    expect_clean_failure({"load-img", image.string(), "-o", previous.string(), "--target-size", "32x32"}, image,
                         {previous});
    ++count;
  }
  report("images (load-img, new and existing output)", count);
}

TEST(BadImages, ExtractFailsCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-images-extract");
  int count = 0;
  for (const BadFile& bad : bad_images()) {
    SCOPED_TRACE(bad.name);
    // One image given directly, and the same among good ones in a class folder with --on-error fail.
    const fs::path single = write_bytes(dir / bad.name, bad.bytes);
    const fs::path out = dir / ("out-" + bad.name);
    expect_clean_failure(with({"extract", single.string(), "-o", out.string()}, small_model), single,
                         {out / "features.npy", out / "meta.json", out / "files.txt"});
    const fs::path tree = dir / ("tree-" + bad.name);
    fs::create_directories(tree / "a");
    write_bytes(tree / "a" / "good.bmp", bmp_bytes(8, 8));
    const fs::path inside = write_bytes(tree / "a" / bad.name, bad.bytes);
    expect_clean_failure(with({"extract", tree.string(), "-o", out.string(), "--on-error", "fail"}, small_model),
                         inside, {out / "features.npy", out / "labels.npy", out / "meta.json", out / "files.txt"});
    ++count;
  }
  report("images (extract, alone and in a folder with --on-error fail)", count);
}

TEST(BadImages, SkippedByDefaultAndListedInMeta) {
  const fs::path dir = scratch_dir("bad-images-skip");
  const fs::path tree = dir / "tree", out = dir / "out";
  fs::create_directories(tree / "a");
  write_bytes(tree / "a" / "good.bmp", bmp_bytes(8, 8));
  const std::vector<BadFile> bad = bad_images();
  for (const BadFile& b : bad) write_bytes(tree / "a" / b.name, b.bytes);
  const testing::CommandResult r = run_cli(with({"extract", tree.string(), "-o", out.string()}, small_model));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_npy((out / "features.npy").string()).shape[0], 1);
  std::ifstream meta(out / "meta.json");
  const nlohmann::json m = nlohmann::json::parse(meta);
  EXPECT_EQ(m["skipped"].size(), bad.size());
}

// 16-bit and CMYK images are not bad inputs: they decode as Pillow decodes them.
// A 1 KB TIFF whose header claims 13000 x 13000 pixels: refused from its size, before the
// pixels are allocated (682 MB were, before the strips turned out to be missing).
TEST(BadImages, TiffClaimingMorePixelsThanItsBytesHoldAllocatesLittle) {
  const fs::path file = write_bytes(scratch_dir("lying-tiff") / "lying.tif", tiff_bytes(13000, 13000));
  ASSERT_LT(fs::file_size(file), 1024u);
  expect_refusal_in_little_memory({"load-img", file.string(), "-o", "/dev/null"});
}

TEST(BadImages, SixteenBitAndCmykVariantsLoad) {
  const fs::path dir = scratch_dir("image-variants");
  const std::vector<BadFile> variants = {{"rgb16.png", png_bytes(8, 8, 16)},
                                         {"grey16.png", png_bytes(8, 8, 16, 0)},
                                         {"cmyk.jpg", tiny_cmyk_jpeg},
                                         {"cmyk.tif", tiff_bytes(8, 8, 4, 8, 5)},
                                         {"rgb16.tif", tiff_bytes(8, 8, 3, 16)}};
  for (const BadFile& v : variants) {
    const fs::path image = write_bytes(dir / v.name, v.bytes);
    const testing::CommandResult r = run_cli({"load-img", image.string(), "-o", (dir / (v.name + ".npy")).string()});
    EXPECT_EQ(r.exit_code, 0) << v.name << ": " << r.err;
  }
}

// ---------------------------------------------------------------- paths

TEST(BadPaths, UnusableInputsAndOutputs) {
  const fs::path dir = scratch_dir("bad-paths");
  const fs::path good = write_bytes(dir / "good.bmp", bmp_bytes(8, 8));
  const fs::path a_file = write_bytes(dir / "a-file", text_bytes("not a folder"));
  const fs::path folder_jpg = dir / "folder.jpg", fifo = dir / "fifo.png", dangling = dir / "dangling.jpg";
  fs::create_directories(folder_jpg);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_symlink(dir / "nowhere.jpg", dangling);
  const fs::path out = dir / "out.npy";
  int count = 0;
  for (const fs::path& input : {dir / "missing.jpg", folder_jpg, fifo, dangling}) {
    expect_clean_failure({"load-img", input.string(), "-o", out.string()}, input, {out});
    ++count;
  }
  if (::geteuid() != 0) {
    const fs::path locked = write_bytes(dir / "locked.bmp", bmp_bytes(8, 8));
    fs::permissions(locked, fs::perms::none);
    expect_clean_failure({"load-img", locked.string(), "-o", out.string()}, locked, {out});
    ++count;
  } else {
    std::cout << "unreadable-file case skipped: running as root, permissions do not stop reads\n";
  }
  // Outputs that cannot be written: inside a file, or a folder where a file should go.
  const fs::path in_file = a_file / "x.npy";
  expect_clean_failure({"load-img", good.string(), "-o", in_file.string()}, in_file, {});
  expect_clean_failure({"load-img", good.string(), "-o", dir.string()}, dir, {});
  expect_clean_failure(with({"extract", good.string(), "-o", a_file.string()}, small_model), a_file, {a_file});
  expect_clean_failure(with({"extract", good.string(), "-o", (a_file / "sub").string()}, small_model), a_file / "sub",
                       {a_file});
  count += 4;
  report("unusable paths", count);
}

// ---------------------------------------------------------------- weight files

// A Keras 2 save_weights file of two dense layers, "dense_1" (4, 2) and "dense_2" (2, 1),
// with one flaw in dense_2 (or none).
enum class Flaw { none, group_missing, no_weight_names, variable_missing, string_not_dataset };

fs::path write_small_weights(const fs::path& path, Flaw flaw) {
  hdf5::File file = hdf5::File::create(path.string(), path.string());
  {
    const hdf5::Group root = file.root();
    root.write_strings("layer_names", {"dense_1", "dense_2"}, hdf5::StringStorage::fixed_length);
    root.write_string("keras_version", "2.4.0", hdf5::StringStorage::variable_length_utf8);
    root.write_string("backend", "tensorflow", hdf5::StringStorage::variable_length_utf8);
    for (const auto& [name, rows] : {std::pair{"dense_1", 4}, std::pair{"dense_2", 2}}) {
      const bool flawed = std::string(name) == "dense_2";
      if (flawed && flaw == Flaw::group_missing) continue;
      const hdf5::Group layer = root.create_group(name);
      if (!(flawed && flaw == Flaw::no_weight_names))
        layer.write_strings("weight_names", {"kernel:0", "bias:0"}, hdf5::StringStorage::fixed_length);
      const int units = flawed ? 1 : 2;
      const std::vector<float> kernel(rows * units, 0.5f), bias(units, 0.0f);
      layer.write_dataset("bias:0", {units}, std::span<const float>(bias));
      if (flawed && flaw == Flaw::variable_missing) continue;
      if (flawed && flaw == Flaw::string_not_dataset) {
        layer.create_group("kernel:0").write_string("value", "a string, not numbers",
                                                    hdf5::StringStorage::variable_length_utf8);
      } else {
        layer.write_dataset("kernel:0", {rows, units}, std::span<const float>(kernel));
      }
    }
  }
  file.close();
  return path;
}

std::vector<BadFile> truncations(const std::string& stem, const Bytes& whole) {
  return {{stem + "-empty.h5", {}},
          {stem + "-cut-at-8.h5", prefix(whole, 8)},
          {stem + "-cut-at-100.h5", prefix(whole, 100)},
          {stem + "-cut-at-half.h5", prefix(whole, whole.size() / 2)},
          {stem + "-cut-near-end.h5", prefix(whole, whole.size() - 16)}};
}

TEST(BadWeights, InfoFailsCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-weights-info");
  int count = 0;
  // (An integer dataset is readable: Keras' Normalization count is one.)
  for (Flaw flaw : {Flaw::group_missing, Flaw::no_weight_names, Flaw::variable_missing, Flaw::string_not_dataset}) {
    const fs::path file = write_small_weights(dir / ("flaw-" + std::to_string(int(flaw)) + ".h5"), flaw);
    expect_clean_failure({"info", file.string()}, file, {});
    ++count;
  }
  const Bytes good = read_bytes(write_small_weights(dir / "good.h5", Flaw::none));
  ASSERT_EQ(run_cli({"info", (dir / "good.h5").string()}).exit_code, 0);
  std::vector<BadFile> bad = truncations("small", good);
  bad.push_back({"text.h5", text_bytes("<html>404</html>\n")});
  Bytes bad_superblock = good;
  for (size_t i = 8; i < 40; ++i) bad_superblock[i] ^= 0x5A;
  bad.push_back({"bad-superblock.h5", bad_superblock});
  for (const BadFile& b : bad) {
    const fs::path file = write_bytes(dir / b.name, b.bytes);
    expect_clean_failure({"info", file.string()}, file, {});
    ++count;
  }
  report("weight files (info)", count);
}

TEST(BadWeights, ExtractFailsCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-weights-extract");
  const fs::path image = write_bytes(dir / "good.bmp", bmp_bytes(8, 8));
  const fs::path good = dir / "squeezenet.h5";
  SqueezeNet({.weights = "random", .input_shape = Shape{64, 64, 3}})->save_weights(good.string());
  const WeightsFile weights = read_weights_file(good.string());

  std::vector<LayerWeights> missing_layer = weights.layers, wrong_shape = weights.layers, extra_axis = weights.layers;
  std::erase_if(missing_layer, [](const LayerWeights& l) { return l.name == "fire9/expand3x3"; });
  for (auto* layers : {&wrong_shape, &extra_axis}) {
    for (LayerWeights& l : *layers) {
      if (l.name != "fire5/squeeze1x1") continue;
      Tensor& kernel = l.variables[0].value;
      kernel = layers == &wrong_shape ? Tensor(Shape{1, 1, 256, 16}) : Tensor(Shape{1, 1, 1, 128, 32});
    }
  }
  std::vector<fs::path> files;
  for (const auto& [name, layers] : {std::pair{"missing-layer.h5", &missing_layer}, std::pair{"wrong-shape.h5", &wrong_shape},
                                     std::pair{"extra-axis.h5", &extra_axis}}) {
    write_keras_weights_file((dir / name).string(), *layers);
    files.push_back(dir / name);
  }
  for (const BadFile& b : truncations("squeezenet", read_bytes(good))) files.push_back(write_bytes(dir / b.name, b.bytes));
  files.push_back(write_small_weights(dir / "other-model.h5", Flaw::none));
  int count = 0;
  const fs::path out = dir / "out";
  for (const fs::path& file : files) {
    expect_clean_failure({"extract", image.string(), "-o", out.string(), "--model", "squeezenet", "--weights",
                          file.string(), "--target-size", "64x64", "-q"},
                         file, {out / "features.npy", out / "meta.json"});
    ++count;
  }
  report("weight files (extract --weights)", count);
}

// ---------------------------------------------------------------- .npy files

Bytes npy_bytes(const std::string& dict, const Bytes& data, uint8_t major = 1) {
  std::string header = dict;
  const size_t prefix_size = major == 1 ? 10 : 12;
  header.append((64 - (prefix_size + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  if (major == 1) put_u16(b, uint32_t(header.size()));
  else put_u32(b, uint32_t(header.size()));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<BadFile> bad_npys(const std::string& descr, size_t item, int rows, int columns) {
  const std::string shape = "(" + std::to_string(rows) + (columns ? ", " + std::to_string(columns) : ",") + ")";
  const Bytes data(item * rows * std::max(columns, 1), 0);
  auto dict = [&](const std::string& d, const std::string& order, const std::string& s) {
    return "{'descr': '" + d + "', 'fortran_order': " + order + ", 'shape': " + s + ", }";
  };
  const Bytes good = npy_bytes(dict(descr, "False", shape), data);
  Bytes bad_magic = good, version_9 = good, header_too_long = good;
  bad_magic[1] = 'X';
  version_9[6] = 9;
  header_too_long[8] = header_too_long[9] = 0xFF;
  std::string big_endian = descr;
  big_endian[0] = '>';
  return {{"empty", {}},
          {"text", text_bytes("1,2,3\n")},
          {"bad-magic", bad_magic},
          {"version-9", version_9},
          {"header-longer-than-file", header_too_long},
          {"cut-in-header", prefix(good, 30)},
          {"lying-shape", npy_bytes(dict(descr, "False", "(" + std::to_string(rows * 1000) + (columns ? ", " + std::to_string(columns) : ",") + ")"), data)},
          {"huge-shape", npy_bytes(dict(descr, "False", "(4000000000, 4000000000, 4000000000)"), data)},
          {"negative-shape", npy_bytes(dict(descr, "False", "(-1,)"), data)},
          {"big-endian", npy_bytes(dict(big_endian, "False", shape), data)},
          {"object-dtype", npy_bytes(dict("|O", "False", shape), data)},
          {"fortran-order", npy_bytes(dict(descr, "True", shape), data)},
          {"no-shape", npy_bytes("{'descr': '" + descr + "', 'fortran_order': False, }", data)},
          {"truncated-data", prefix(good, good.size() - item)},
          {"version-2-truncated-data", prefix(npy_bytes(dict(descr, "False", shape), data, 2), good.size() - 1)}};
}

// A feature folder as `extract` writes it: 8 rows of 4 features, labels 0/1.
void write_feature_folder(const fs::path& dir) {
  fs::create_directories(dir);
  Tensor x(Shape{8, 4});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = float(i % 5);
  save_npy((dir / "features.npy").string(), x);
  save_npy((dir / "labels.npy").string(), std::vector<int32_t>{0, 1, 0, 1, 0, 1, 0, 1});
}

TEST(BadNpy, TrainAndEvaluateFailCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-npy");
  const fs::path good = dir / "good", model = dir / "model.h5", new_model = dir / "new-model.h5";
  write_feature_folder(good);
  const std::vector<std::string> head = {"--head", "flatten,dense:1:sigmoid", "--epochs", "1", "-q"};
  ASSERT_EQ(run_cli(with({"train", "--train", good.string(), "-o", model.string()}, head)).exit_code, 0);
  int count = 0;
  for (const auto& [file, descr, item, columns] :
       {std::tuple{"features.npy", "<f4", 4, 4}, std::tuple{"labels.npy", "<i4", 4, 0}}) {
    for (const BadFile& b : bad_npys(descr, item, 8, columns)) {
      SCOPED_TRACE(std::string(file) + " " + b.name);
      const fs::path folder = dir / (std::string(file) + "-" + b.name);
      write_feature_folder(folder);
      const fs::path bad = write_bytes(folder / file, b.bytes);
      expect_clean_failure(with({"train", "--train", good.string(), "--val", folder.string(), "-o", new_model.string()}, head),
                           bad, {new_model});
      expect_clean_failure(with({"train", "--train", folder.string(), "-o", model.string()}, head), bad, {model});
      expect_clean_failure({"evaluate", model.string(), folder.string(), "-q"}, bad, {model});
      ++count;
    }
  }
  report(".npy files (train --train, train --val, evaluate)", count);
}

// ---------------------------------------------------------------- model files

// A zip archive member as its headers describe it: `data` as stored (raw, or a deflate stream)
// and the size and CRC the headers claim for it inflated.
struct ZipMember {
  std::string name;
  Bytes data;
  bool deflated;
  uint32_t size;
  uint32_t crc;
};
ZipMember stored(const std::string& name, const Bytes& data) {
  return {name, data, false, static_cast<uint32_t>(data.size()), crc32(data.data(), data.size())};
}

// A zip archive of `members` (no extra fields, no comments, dated 1980-01-01).
Bytes zip_bytes(const std::vector<ZipMember>& members) {
  Bytes zip, directory;
  for (const ZipMember& m : members) {
    const auto offset = static_cast<uint32_t>(zip.size());
    for (Bytes* header : {&zip, &directory}) {
      const bool central = header == &directory;
      put_u32(*header, central ? 0x02014b50 : 0x04034b50);
      if (central) put_u16(*header, 20);  // made by
      put_u16(*header, 20);               // needed to extract
      put_u16(*header, 0);                // flags
      put_u16(*header, m.deflated ? 8 : 0);
      put_u16(*header, 0), put_u16(*header, 0x21);  // time, date
      put_u32(*header, m.crc);
      put_u32(*header, static_cast<uint32_t>(m.data.size()));
      put_u32(*header, m.size);
      put_u16(*header, static_cast<uint16_t>(m.name.size()));
      put_u16(*header, 0);  // extra field
      if (central) {
        put_u16(*header, 0), put_u16(*header, 0), put_u16(*header, 0);  // comment, disk, internal attributes
        put_u32(*header, 0), put_u32(*header, offset);                   // external attributes, local header
      }
      header->insert(header->end(), m.name.begin(), m.name.end());
    }
    zip.insert(zip.end(), m.data.begin(), m.data.end());
  }
  const auto directory_offset = static_cast<uint32_t>(zip.size());
  zip.insert(zip.end(), directory.begin(), directory.end());
  put_u32(zip, 0x06054b50);
  put_u16(zip, 0), put_u16(zip, 0);  // disks
  put_u16(zip, static_cast<uint16_t>(members.size())), put_u16(zip, static_cast<uint16_t>(members.size()));
  put_u32(zip, static_cast<uint32_t>(directory.size())), put_u32(zip, directory_offset);
  put_u16(zip, 0);  // comment
  return zip;
}

// model.weights.h5 as an empty deflate stream whose headers claim 4 GiB - 16 bytes inflated.
const ZipMember weights_claiming_4gib{"model.weights.h5", {0x03, 0x00}, true, 0xFFFFFFF0u, 0};

// .keras archives, each damaged in one way; `model_config` is a model's JSON.
std::vector<BadFile> bad_keras_archives(const std::string& model_config) {
  const ZipMember config = stored("config.json", text_bytes(model_config));
  const ZipMember not_hdf5 = stored("model.weights.h5", text_bytes("not an HDF5 file"));
  ZipMember config_bad_crc = config;
  config_bad_crc.crc ^= 1;
  const Bytes whole = zip_bytes({config, not_hdf5});
  return {{"keras-cut-in-members.keras", prefix(whole, whole.size() / 2)},
          {"keras-no-weights.keras", zip_bytes({config})},
          {"keras-no-config.keras", zip_bytes({not_hdf5})},
          {"keras-config-not-json.keras", zip_bytes({stored("config.json", text_bytes("{\"class_name\": ")), not_hdf5})},
          {"keras-weights-not-hdf5.keras", whole},
          {"keras-member-outside.keras", zip_bytes({stored("../config.json", config.data), config, not_hdf5})},
          {"keras-config-bad-crc.keras", zip_bytes({config_bad_crc, not_hdf5})},
          {"keras-weights-claim-4gib.keras", zip_bytes({config, weights_claiming_4gib})}};
}

TEST(BadModels, EvaluateFailsCleanlyOnEach) {
  const fs::path dir = scratch_dir("bad-models");
  const fs::path features = dir / "features", model = dir / "model.h5";
  write_feature_folder(features);
  ASSERT_EQ(run_cli({"train", "--train", features.string(), "-o", model.string(), "--head", "flatten,dense:1:sigmoid",
                     "--epochs", "1", "-q"})
                .exit_code,
            0);
  int count = 0;
  std::vector<BadFile> bad = truncations("model", read_bytes(model));
  bad.push_back({"weights-only.h5", read_bytes(write_small_weights(dir / "weights.h5", Flaw::none))});
  const std::vector<BadFile> archives = bad_keras_archives(*read_weights_file(model.string()).model_config);
  bad.insert(bad.end(), archives.begin(), archives.end());
  for (const BadFile& b : bad) {
    const fs::path file = write_bytes(dir / b.name, b.bytes);
    expect_clean_failure({"evaluate", file.string(), features.string(), "-q"}, file, {});
    ++count;
  }
  report("model files (evaluate)", count);
}

// A .keras archive of 232 bytes whose model.weights.h5 claims 4 GiB: refused when its bytes run
// out, without allocating the claim (4 GiB were, zero-filled, before the bytes were read).
TEST(BadModels, KerasArchiveClaimingMoreThanItsBytesHoldAllocatesLittle) {
  const Bytes archive = zip_bytes({stored("config.json", text_bytes("{}")), weights_claiming_4gib});
  const fs::path file = write_bytes(scratch_dir("lying-keras") / "lying.keras", archive);
  ASSERT_LT(fs::file_size(file), 256u);
  expect_refusal_in_little_memory({"info", file.string()});
}

// ---------------------------------------------------------------- a full disk

// A 1 MiB tmpfs: writes fail with ENOSPC part way. Needs root (mount); skipped otherwise.
class FullDisk : public ::testing::Test {
protected:
  void SetUp() override {
    disk_ = scratch_dir("full-disk");
    if (::geteuid() != 0 || ::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=1m") != 0)
      GTEST_SKIP() << "cannot mount a small tmpfs (needs root): " << std::strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount(disk_.c_str());
  }
  fs::path disk_;
  bool mounted_ = false;
};

TEST_F(FullDisk, EveryWriterFailsCleanly) {
  const fs::path inputs = scratch_dir("full-disk-inputs");
  const fs::path image = write_bytes(inputs / "good.bmp", bmp_bytes(8, 8));
  fs::create_directories(inputs / "tree" / "a");
  for (int i = 0; i < 40; ++i) write_bytes(inputs / "tree" / "a" / (std::to_string(i) + ".bmp"), bmp_bytes(8, 8));
  const fs::path features = inputs / "features";
  write_feature_folder(features);
  // An earlier result on the disk must survive a failed overwrite.
  const fs::path previous = write_bytes(disk_ / "previous.npy", Bytes(300 << 10, 7));

  const fs::path npy = disk_ / "x.npy", out = disk_ / "out", model = disk_ / "model.h5";
  expect_clean_failure({"load-img", image.string(), "-o", npy.string(), "--target-size", "400x400"}, npy, {npy});
  expect_clean_failure({"load-img", image.string(), "-o", previous.string(), "--target-size", "300x300"}, previous,
                       {previous});
  expect_clean_failure(with({"extract", (inputs / "tree").string(), "-o", out.string()}, small_model), out,
                       {out / "features.npy", out / "labels.npy", out / "meta.json"});
  expect_clean_failure({"train", "--train", features.string(), "-o", model.string(), "--head",
                        "flatten,dense:40000:relu,dense:1:sigmoid", "--epochs", "1", "-q"},
                       model, {model});
  report("full-disk writes", 4);
}

}  // namespace
}  // namespace bottleneck
