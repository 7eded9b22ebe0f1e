// load_img against Pillow 9.4: every load_img case of the fixture manifest, synthetic images
// in each format (expected values from Pillow), Pillow's resize filters on tiny images, and
// bad files that must give an Error naming the file, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

fs::path image_fixture(const std::string& name) { return testing::shared_dir() / "fixtures" / "images" / name; }

void put_u16(Bytes& b, uint32_t v) {
  b.push_back(v & 0xFF);
  b.push_back((v >> 8) & 0xFF);
}
void put_u32(Bytes& b, uint32_t v) {
  put_u16(b, v & 0xFFFF);
  put_u16(b, v >> 16);
}

// The 5x4 RGB test pattern the Pillow reference values below were computed from.
Image pattern(int width, int height) {
  Image image{width, height, {}};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      image.pixels.push_back(static_cast<uint8_t>((x * 53 + y * 17) % 256));
      image.pixels.push_back(static_cast<uint8_t>((x * 29 + y * 71) % 256));
      image.pixels.push_back(static_cast<uint8_t>((x * x * 7 + y * 13) % 256));
    }
  return image;
}

// ---------------------------------------------------------------- fixture manifest

struct LoadImgCase {
  std::string image;
  std::optional<TargetSize> target_size;
  std::optional<std::string> interpolation;
  std::string expected;
};

std::vector<LoadImgCase> manifest_cases() {
  const fs::path shared = testing::shared_dir();
  if (shared.empty()) return {};
  std::ifstream in(shared / "fixtures" / "manifest.json");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  std::vector<LoadImgCase> cases;
  for (const auto& entry : manifest.at("load_img")) {
    LoadImgCase c;
    c.image = entry.at("image").get<std::string>();
    c.expected = entry.at("expected").get<std::string>();
    if (!entry.at("target_size").is_null())
      c.target_size = TargetSize{entry["target_size"][0].get<int>(), entry["target_size"][1].get<int>()};
    if (!entry.at("interpolation").is_null()) c.interpolation = entry["interpolation"].get<std::string>();
    cases.push_back(c);
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<LoadImgCase>& info) {
  std::string name = fs::path(info.param.expected).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class LoadImgFixture : public ::testing::TestWithParam<LoadImgCase> {};

TEST_P(LoadImgFixture, MatchesKeras) {
  BOTTLENECK_REQUIRE_SHARED();
  const LoadImgCase& c = GetParam();
  const fs::path fixtures = testing::shared_dir() / "fixtures";
  const Interpolation interpolation = parse_interpolation(c.interpolation.value_or("nearest"));
  const Image image = load_img((fixtures / c.image).string(), c.target_size, interpolation);
  const NpyArray expected = read_npy((fixtures / c.expected).string());
  ASSERT_EQ(expected.descr, "|u1");
  ASSERT_EQ(expected.shape, (Shape{image.height, image.width, 3}));
  ASSERT_EQ(expected.bytes.size(), image.pixels.size());

  int64_t differing = 0;
  int max_difference = 0;
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    const int difference = std::abs(image.pixels[i] - expected.bytes[i]);
    differing += difference != 0;
    max_difference = std::max(max_difference, difference);
  }
  RecordProperty("differing_values", std::to_string(differing));
  RecordProperty("max_difference", std::to_string(max_difference));
  if (differing) std::printf("  %s: %lld values differ, max %d\n", c.expected.c_str(), static_cast<long long>(differing), max_difference);
  const bool exact_required = !c.target_size || interpolation == Interpolation::nearest;
  EXPECT_LE(max_difference, exact_required ? 0 : 1) << differing << " values differ";
}

INSTANTIATE_TEST_SUITE_P(Manifest, LoadImgFixture, ::testing::ValuesIn(manifest_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LoadImgFixture);  // without ../shared

TEST(LoadImg, ManifestListsEveryCase) {
  BOTTLENECK_REQUIRE_SHARED();
  EXPECT_EQ(manifest_cases().size(), 45u);
}

TEST(LoadImg, FormatComesFromContentNotName) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("image-content");
  const fs::path renamed = dir / "actually_a_png.jpg";
  fs::copy_file(image_fixture("exact_224x224.png"), renamed);
  EXPECT_EQ(load_img(renamed.string()).pixels, load_img(image_fixture("exact_224x224.png").string()).pixels);
}

TEST(LoadImg, ImgToArrayIsFloatHeightWidthThree) {
  const Image image = pattern(5, 4);
  const Tensor array = img_to_array(image);
  EXPECT_EQ(array.shape(), (Shape{4, 5, 3}));
  for (size_t i = 0; i < image.pixels.size(); ++i) ASSERT_EQ(array[static_cast<int64_t>(i)], image.pixels[i]);
}

// ---------------------------------------------------------------- Pillow's filters

struct ResizeCase {
  Interpolation interpolation;
  std::vector<uint8_t> down;  // pattern(5, 4) -> 3x2
  std::vector<uint8_t> up;    // pattern(2, 2) -> 5x3
};

// Image.fromarray(pattern).resize(size, filter) with Pillow 9.4.
const std::vector<ResizeCase>& pillow_resizes() {
  static const std::vector<ResizeCase> cases = {
      {Interpolation::nearest,
       {17, 71, 13, 123, 129, 41, 229, 187, 125, 51, 213, 39, 157, 15, 67, 7, 73, 151},
       {0,  0,  0,  0,  0,  0,  53, 29, 7,  53, 29, 7,  53, 29, 7,  17, 71, 13, 17, 71, 13, 70, 100,
        20, 70, 100, 20, 70, 100, 20, 17, 71, 13, 17, 71, 13, 70, 100, 20, 70, 100, 20, 70, 100, 20}},
      {Interpolation::bilinear,
       {35, 63, 12, 118, 109, 40, 201, 134, 100, 62, 174, 33, 145, 135, 61, 165, 94, 121},
       {0,  0,  0,  5,  3,  1,  27, 15, 4,  48, 26, 6,  53, 29, 7,  9,  36, 7,  14, 39, 8,  36, 51,
        11, 57, 62, 13, 62, 65, 14, 17, 71, 13, 22, 74, 14, 44, 86, 17, 65, 97, 19, 70, 100, 20}},
      {Interpolation::bicubic,
       {29, 51, 9, 116, 108, 37, 209, 140, 101, 60, 185, 32, 152, 141, 60, 166, 87, 124},
       {0,  0,  0,  2,  0,  0,  26, 10, 3,  49, 22, 6,  57, 27, 7,  6,  34, 6,  12, 38, 7,  36, 51,
        11, 59, 63, 14, 67, 68, 15, 13, 72, 13, 21, 78, 14, 45, 91, 18, 68, 103, 21, 76, 108, 22}},
      {Interpolation::lanczos,
       {26, 46, 8, 114, 113, 35, 215, 143, 102, 57, 188, 33, 156, 147, 60, 167, 86, 127},
       {0,  0,  0,  3,  0,  0,  25, 6,  2,  46, 17, 4,  62, 26, 6,  3,  33, 6,  14, 39, 8,  36, 51,
        11, 57, 62, 13, 73, 71, 15, 7,  73, 13, 24, 83, 16, 46, 95, 19, 67, 106, 21, 83, 115, 23}},
      {Interpolation::box,
       {36, 51, 11, 115, 94, 35, 195, 138, 95, 70, 193, 37, 149, 108, 61, 165, 88, 121},
       {0,  0,  0,  0,  0,  0,  53, 29, 7,  53, 29, 7,  53, 29, 7,  17, 71, 13, 17, 71, 13, 70, 100,
        20, 70, 100, 20, 70, 100, 20, 17, 71, 13, 17, 71, 13, 70, 100, 20, 70, 100, 20, 70, 100, 20}},
      {Interpolation::hamming,
       {30, 51, 10, 116, 98, 37, 202, 138, 101, 61, 184, 35, 147, 126, 62, 157, 79, 126},
       {0,  0,  0,  1,  0,  0,  27, 15, 4,  52, 29, 7,  53, 29, 7,  9,  36, 7,  10, 36, 7,  36, 51,
        11, 61, 65, 14, 62, 65, 14, 17, 71, 13, 18, 71, 13, 44, 86, 17, 69, 100, 20, 70, 100, 20}},
  };
  return cases;
}

TEST(Resize, DownscalingMatchesPillow) {
  for (const ResizeCase& c : pillow_resizes())
    EXPECT_EQ(resize(pattern(5, 4), 3, 2, c.interpolation).pixels, c.down) << interpolation_name(c.interpolation);
}

TEST(Resize, UpscalingMatchesPillow) {
  for (const ResizeCase& c : pillow_resizes())
    EXPECT_EQ(resize(pattern(2, 2), 5, 3, c.interpolation).pixels, c.up) << interpolation_name(c.interpolation);
}

TEST(Resize, OneAxisOnly) {
  // A pass is skipped when its axis keeps its size: resizing width only equals resizing
  // each row on its own.
  const Image image = pattern(5, 4);
  const Image wide = resize(image, 9, 4, Interpolation::bicubic);
  for (int y = 0; y < 4; ++y) {
    Image row{5, 1, Bytes(image.pixels.begin() + y * 15, image.pixels.begin() + (y + 1) * 15)};
    const Image row_resized = resize(row, 9, 1, Interpolation::bicubic);
    EXPECT_TRUE(std::equal(row_resized.pixels.begin(), row_resized.pixels.end(), wide.pixels.begin() + y * 27));
  }
}

TEST(Resize, SameSizeIsACopy) {
  const Image image = pattern(5, 4);
  for (const ResizeCase& c : pillow_resizes()) EXPECT_EQ(resize(image, 5, 4, c.interpolation).pixels, image.pixels);
}

TEST(Resize, RefusesEmptyTargets) {
  EXPECT_THROW(resize(pattern(5, 4), 0, 3, Interpolation::bilinear), Error);
  EXPECT_THROW(resize(pattern(5, 4), 3, -1, Interpolation::nearest), Error);
  EXPECT_THROW(resize(pattern(5, 4), 100000, 100000, Interpolation::nearest), Error);
}

// ---------------------------------------------------------------- formats, built here

// A Windows v3 BMP of `image` at `bits` per pixel (24 or 32), bottom-up unless top_down.
Bytes bmp_bytes(const Image& image, int bits, bool top_down) {
  const int stride = ((image.width * bits + 31) / 32) * 4;
  Bytes b = {'B', 'M'};
  put_u32(b, 54 + stride * image.height);
  put_u32(b, 0);
  put_u32(b, 54);
  put_u32(b, 40);
  put_u32(b, image.width);
  put_u32(b, top_down ? static_cast<uint32_t>(-image.height) : image.height);
  put_u16(b, 1);
  put_u16(b, bits);
  for (int i = 0; i < 6; ++i) put_u32(b, 0);
  for (int row = 0; row < image.height; ++row) {
    const int y = top_down ? row : image.height - 1 - row;
    const size_t start = b.size();
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = &image.pixels[(y * image.width + x) * 3];
      b.insert(b.end(), {p[2], p[1], p[0]});
      if (bits == 32) b.push_back(0x7F);
    }
    b.resize(start + stride, 0);
  }
  return b;
}

TEST(DecodeBmp, TwentyFourAndThirtyTwoBitsBothDirections) {
  const Image image = pattern(5, 4);
  for (int bits : {24, 32})
    for (bool top_down : {false, true}) {
      const Bytes bytes = bmp_bytes(image, bits, top_down);
      EXPECT_EQ(decode_image_bytes(bytes.data(), bytes.size(), "t.bmp").pixels, image.pixels)
          << bits << " bits, top_down " << top_down;
    }
}

TEST(DecodeBmp, EightBitPalette) {
  // 3x2, palette of 3 colours (BGRX); rows padded to 4 bytes; bottom row first.
  Bytes b = {'B', 'M'};
  put_u32(b, 0);
  put_u32(b, 0);
  put_u32(b, 54 + 12);
  put_u32(b, 40);
  put_u32(b, 3);
  put_u32(b, 2);
  put_u16(b, 1);
  put_u16(b, 8);
  for (int i = 0; i < 4; ++i) put_u32(b, 0);
  put_u32(b, 3);  // colours used
  put_u32(b, 0);
  b.insert(b.end(), {30, 20, 10, 0, 60, 50, 40, 0, 90, 80, 70, 0});
  b.insert(b.end(), {2, 1, 0, 0});  // bottom row
  b.insert(b.end(), {0, 1, 7, 0});  // top row; index 7 is past the palette: grey ramp (7, 7, 7)
  const Image image = decode_image_bytes(b.data(), b.size(), "p.bmp");
  EXPECT_EQ(image.width, 3);
  EXPECT_EQ(image.height, 2);
  EXPECT_EQ(image.pixels, (Bytes{10, 20, 30, 40, 50, 60, 7, 7, 7, 70, 80, 90, 40, 50, 60, 10, 20, 30}));
}

TEST(DecodeBmp, SixteenBitsAsPillowUnpacksThem) {
  // Pillow 9.4: 5-5-5 by default, 5-6-5 with those bitfields; value * 255 / max, truncated.
  const std::vector<uint16_t> pixels = {0x0000, 0x7FFF, 0x1234, 0xABCD, 0x8421, 0xFFFF};
  for (bool five_six_five : {false, true}) {
    Bytes b = {'B', 'M'};
    const uint32_t offset = 54 + (five_six_five ? 12 : 0);
    put_u32(b, offset + 12);
    put_u32(b, 0);
    put_u32(b, offset);
    put_u32(b, 40);
    put_u32(b, 6);
    put_u32(b, 1);
    put_u16(b, 1);
    put_u16(b, 16);
    put_u32(b, five_six_five ? 3 : 0);
    for (int i = 0; i < 5; ++i) put_u32(b, 0);
    if (five_six_five) {
      put_u32(b, 0xF800);
      put_u32(b, 0x7E0);
      put_u32(b, 0x1F);
    }
    for (uint16_t p : pixels) put_u16(b, p);
    const Image image = decode_image_bytes(b.data(), b.size(), "16.bmp");
    const Bytes expected = five_six_five
                               ? Bytes{0, 0, 0, 123, 255, 255, 16, 68, 164, 172, 121, 106, 131, 133, 8, 255, 255, 255}
                               : Bytes{0, 0, 0, 255, 255, 255, 32, 139, 164, 82, 246, 106, 8, 8, 8, 255, 255, 255};
    EXPECT_EQ(image.pixels, expected) << (five_six_five ? "5-6-5" : "5-5-5");
  }
}

TEST(DecodePpm, BinaryGreyAndColourWithComments) {
  const std::string colour = "P6\n# made by hand\n2 1\n255\n";
  Bytes p6(colour.begin(), colour.end());
  p6.insert(p6.end(), {1, 2, 3, 250, 128, 7});
  EXPECT_EQ(decode_image_bytes(p6.data(), p6.size(), "c.ppm").pixels, (Bytes{1, 2, 3, 250, 128, 7}));

  const std::string grey = "P5 3 1 255 ";
  Bytes p5(grey.begin(), grey.end());
  p5.insert(p5.end(), {0, 100, 255});
  EXPECT_EQ(decode_image_bytes(p5.data(), p5.size(), "g.pgm").pixels, (Bytes{0, 0, 0, 100, 100, 100, 255, 255, 255}));
}

TEST(DecodePpm, OtherMaxvalsScaleAsPillow) {
  // round(v / maxval * 255), half to even: 1/2*255 = 127.5 -> 128, 2/3*255 = 170.
  const std::string small = "P5 3 1 3\n";
  Bytes p5(small.begin(), small.end());
  p5.insert(p5.end(), {0, 2, 3});
  EXPECT_EQ(decode_image_bytes(p5.data(), p5.size(), "g.pgm").pixels, (Bytes{0, 0, 0, 170, 170, 170, 255, 255, 255}));
  // 16-bit grey is Pillow's mode I: values above 255 clip.
  const std::string wide = "P5 3 1 65535\n";
  Bytes p16(wide.begin(), wide.end());
  p16.insert(p16.end(), {0, 7, 0, 255, 1, 0});
  EXPECT_EQ(decode_image_bytes(p16.data(), p16.size(), "g16.pgm").pixels, (Bytes{7, 7, 7, 255, 255, 255, 255, 255, 255}));
}

// An uncompressed little-endian TIFF in one strip. Photometric 2 (RGB) unless given;
// a fourth sample of an RGB image is an extra sample of the given ExtraSamples kind.
struct TiffLayout {
  int width = 0, height = 0, samples = 3, bits = 8, photometric = 2, extra_kind = 0;
};

Bytes tiff_bytes(const TiffLayout& t, const Bytes& pixels) {
  Bytes b = {'I', 'I', 42, 0};
  const uint32_t bits_offset = 8 + static_cast<uint32_t>(pixels.size());
  uint32_t ifd_offset = bits_offset + 2 * t.samples;
  ifd_offset += ifd_offset % 2;
  put_u32(b, ifd_offset);
  b.insert(b.end(), pixels.begin(), pixels.end());
  for (int i = 0; i < t.samples; ++i) put_u16(b, t.bits);
  b.resize(ifd_offset, 0);
  struct Entry {
    uint16_t tag, type;
    uint32_t count, value;
  };
  // One or two SHORTs sit in the value field itself.
  const uint32_t bits_value = t.samples <= 2 ? static_cast<uint32_t>(t.bits) : bits_offset;
  std::vector<Entry> entries = {{256, 4, 1, static_cast<uint32_t>(t.width)},
                                {257, 4, 1, static_cast<uint32_t>(t.height)},
                                {258, 3, static_cast<uint32_t>(t.samples), bits_value},
                                {259, 3, 1, 1},
                                {262, 3, 1, static_cast<uint32_t>(t.photometric)},
                                {273, 4, 1, 8},
                                {277, 3, 1, static_cast<uint32_t>(t.samples)},
                                {278, 4, 1, static_cast<uint32_t>(t.height)},
                                {279, 4, 1, static_cast<uint32_t>(pixels.size())},
                                {284, 3, 1, 1}};
  if (t.samples == 4 && t.photometric == 2) entries.push_back({338, 3, 1, static_cast<uint32_t>(t.extra_kind)});
  put_u16(b, static_cast<uint32_t>(entries.size()));
  for (const Entry& e : entries) {
    put_u16(b, e.tag);
    put_u16(b, e.type);
    put_u32(b, e.count);
    put_u32(b, e.value);
  }
  put_u32(b, 0);
  return b;
}

TEST(DecodeTiff, RgbAndTheThreeAlphaKindsAsPillow) {
  const Bytes rgb = tiff_bytes({2, 1}, {1, 2, 3, 250, 128, 7});
  EXPECT_EQ(decode_image_bytes(rgb.data(), rgb.size(), "rgb.tif").pixels, (Bytes{1, 2, 3, 250, 128, 7}));

  const Bytes rgba = {100, 50, 25, 128, 200, 100, 50, 255, 10, 20, 30, 0, 255, 255, 255, 64};
  const Bytes stored = {100, 50, 25, 200, 100, 50, 10, 20, 30, 255, 255, 255};
  // Pillow: unspecified (0) and unassociated (2) alpha keep the stored colours; associated
  // (1) is premultiplied, divided out as colour * 255 / alpha (truncated, clipped).
  for (int kind : {0, 2}) {
    const Bytes t = tiff_bytes({2, 2, 4, 8, 2, kind}, rgba);
    EXPECT_EQ(decode_image_bytes(t.data(), t.size(), "a.tif").pixels, stored) << "ExtraSamples " << kind;
  }
  const Bytes premultiplied = tiff_bytes({2, 2, 4, 8, 2, 1}, rgba);
  EXPECT_EQ(decode_image_bytes(premultiplied.data(), premultiplied.size(), "a.tif").pixels,
            (Bytes{199, 99, 49, 200, 100, 50, 0, 0, 0, 255, 255, 255}));
}

TEST(DecodeTiff, SixteenBitsAndCmykAsPillow) {
  // 16-bit grey is Pillow's I;16, clipped by convert('RGB'); 16-bit RGB keeps the high byte.
  const Bytes grey = tiff_bytes({3, 1, 1, 16, 1}, {7, 0, 0xFF, 0, 0, 1});  // 7, 255, 256
  EXPECT_EQ(decode_image_bytes(grey.data(), grey.size(), "g16.tif").pixels, (Bytes{7, 7, 7, 255, 255, 255, 255, 255, 255}));
  const Bytes rgb = tiff_bytes({1, 1, 3, 16, 2}, {0xFF, 0x12, 0x80, 0xAB, 0x00, 0x01});
  EXPECT_EQ(decode_image_bytes(rgb.data(), rgb.size(), "rgb16.tif").pixels, (Bytes{0x12, 0xAB, 0x01}));
  // CMYK through Pillow's integer formula (values from Pillow 9.4).
  const Bytes cmyk = tiff_bytes({2, 1, 4, 8, 5}, {10, 200, 50, 100, 0, 0, 0, 0});
  EXPECT_EQ(decode_image_bytes(cmyk.data(), cmyk.size(), "cmyk.tif").pixels, (Bytes{149, 33, 125, 255, 255, 255}));
}

TEST(DecodeJpeg, GreyJpegStaysGreyThenReplicates) {
  BOTTLENECK_REQUIRE_SHARED();
  const Image image = decode_image(image_fixture("gray_300x200.jpg").string());
  ASSERT_EQ(image.width, 300);
  for (size_t i = 0; i < image.pixels.size(); i += 3) {
    ASSERT_EQ(image.pixels[i], image.pixels[i + 1]);
    ASSERT_EQ(image.pixels[i], image.pixels[i + 2]);
  }
}

// ---------------------------------------------------------------- bad input

// Expects an Error whose message names the file.
void expect_error_naming(const fs::path& path, const std::string& fragment = "") {
  try {
    load_img(path.string(), TargetSize{224, 224});
    ADD_FAILURE() << path << " loaded without an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(BadInput, ZeroByteFile) {
  const fs::path dir = testing::scratch_dir("image-bad");
  expect_error_naming(write_bytes(dir / "empty.jpg", {}), "empty");
}

TEST(BadInput, TextFileNamedJpg) {
  const fs::path dir = testing::scratch_dir("image-bad");
  const std::string text = "this is not a picture\n";
  expect_error_naming(write_bytes(dir / "notes.jpg", Bytes(text.begin(), text.end())), "cannot identify");
}

TEST(BadInput, MissingFileAndDirectory) {
  const fs::path dir = testing::scratch_dir("image-bad");
  expect_error_naming(dir / "absent.png");
  expect_error_naming(dir);
}

TEST(BadInput, TruncatedJpeg) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("image-bad");
  for (const char* name : {"photo_500x375.jpg", "progressive444_333x500.jpg"}) {
    Bytes bytes = read_bytes(image_fixture(name));
    for (size_t keep : {bytes.size() / 2, bytes.size() - 2, size_t{200}, size_t{3}}) {
      const fs::path cut = dir / ("cut_" + std::to_string(keep) + "_" + name);
      write_bytes(cut, Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep)));
      expect_error_naming(cut);
    }
  }
}

TEST(BadInput, CorruptJpegHeader) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("image-bad");
  Bytes bytes = read_bytes(image_fixture("photo_500x375.jpg"));
  std::fill(bytes.begin() + 4, bytes.begin() + 400, 0xFF);  // quantisation and Huffman tables gone
  expect_error_naming(write_bytes(dir / "corrupt.jpg", bytes));
}

TEST(BadInput, TruncatedAndCorruptPng) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("image-bad");
  const Bytes bytes = read_bytes(image_fixture("rgba_320x240.png"));
  expect_error_naming(write_bytes(dir / "cut.png", Bytes(bytes.begin(), bytes.begin() + bytes.size() / 2)), "truncated");
  expect_error_naming(write_bytes(dir / "header_only.png", Bytes(bytes.begin(), bytes.begin() + 20)));
  Bytes corrupt = bytes;
  for (size_t i = 100; i < 2000; ++i) corrupt[i] ^= 0x5A;
  expect_error_naming(write_bytes(dir / "corrupt.png", corrupt));
}

TEST(BadInput, TruncatedBmpPpmTiff) {
  const fs::path dir = testing::scratch_dir("image-bad");
  const Bytes bmp = bmp_bytes(pattern(5, 4), 24, false);
  expect_error_naming(write_bytes(dir / "cut.bmp", Bytes(bmp.begin(), bmp.end() - 20)), "truncated");
  expect_error_naming(write_bytes(dir / "header.bmp", Bytes(bmp.begin(), bmp.begin() + 30)), "truncated");
  const std::string header = "P6 4 4 255\n";
  expect_error_naming(write_bytes(dir / "cut.ppm", Bytes(header.begin(), header.end())), "truncated");
  const Bytes tiff = tiff_bytes({2, 1}, {1, 2, 3, 4, 5, 6});
  expect_error_naming(write_bytes(dir / "cut.tif", Bytes(tiff.begin(), tiff.begin() + 12)));
}

uint32_t crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFF;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320 & (0 - (crc & 1)));
  }
  return ~crc;
}

void put_u32_big(Bytes& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back((v >> shift) & 0xFF);
}

TEST(BadInput, HugeDimensionsAreRefusedBeforeAllocating) {
  const fs::path dir = testing::scratch_dir("image-bad");
  constexpr uint32_t huge = 100000;

  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  put_u32_big(png, 13);
  const size_t chunk_start = png.size();
  png.insert(png.end(), {'I', 'H', 'D', 'R'});
  put_u32_big(png, huge);
  put_u32_big(png, huge);
  png.insert(png.end(), {8, 2, 0, 0, 0});
  put_u32_big(png, crc32(png.data() + chunk_start, png.size() - chunk_start));
  // libpng reads up to the first IDAT before handing over the header: an empty one.
  put_u32_big(png, 0);
  png.insert(png.end(), {'I', 'D', 'A', 'T'});
  put_u32_big(png, crc32(png.data() + png.size() - 4, 4));
  expect_error_naming(write_bytes(dir / "huge.png", png), "limit");

  Bytes bmp = bmp_bytes(pattern(1, 1), 24, false);
  std::memcpy(&bmp[18], &huge, 4);  // width, little-endian on the machines we build for
  std::memcpy(&bmp[22], &huge, 4);
  expect_error_naming(write_bytes(dir / "huge.bmp", bmp), "limit");

  const std::string ppm = "P6 100000 100000 255\n";
  expect_error_naming(write_bytes(dir / "huge.ppm", Bytes(ppm.begin(), ppm.end())), "limit");

  const Bytes tiff = tiff_bytes({static_cast<int>(huge), static_cast<int>(huge)}, {1, 2, 3});
  expect_error_naming(write_bytes(dir / "huge.tif", tiff));
}

TEST(BadInput, HugeJpegIsRefused) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("image-bad");
  Bytes bytes = read_bytes(image_fixture("photo_500x375.jpg"));
  // SOF0: FF C0, length (2), precision (1), height (2), width (2); 60000 x 60000 is within
  // libjpeg's own limit but far over ours.
  for (size_t i = 2; i + 9 < bytes.size(); ++i)
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {
      bytes[i + 5] = bytes[i + 7] = 60000 >> 8;
      bytes[i + 6] = bytes[i + 8] = 60000 & 0xFF;
      break;
    }
  expect_error_naming(write_bytes(dir / "huge.jpg", bytes), "limit");
}

TEST(BadInput, UnsupportedVariantsSayWhat) {
  const fs::path dir = testing::scratch_dir("image-bad");
  const std::string plain = "P3 1 1 255 1 2 3\n";
  expect_error_naming(write_bytes(dir / "plain.ppm", Bytes(plain.begin(), plain.end())), "P6");
  Bytes rle = bmp_bytes(pattern(2, 2), 24, false);
  rle[30] = 1;  // compression: RLE8
  expect_error_naming(write_bytes(dir / "rle.bmp", rle), "RLE");
}

// ---------------------------------------------------------------- option parsing

TEST(Options, Interpolations) {
  for (const char* name : {"nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"})
    EXPECT_EQ(interpolation_name(parse_interpolation(name)), name);
  EXPECT_THROW(parse_interpolation("cubic"), Error);
  EXPECT_THROW(parse_interpolation("Nearest"), Error);
  EXPECT_THROW(parse_interpolation(""), Error);
}

TEST(Options, TargetSizes) {
  const TargetSize size = parse_target_size("240x360");
  EXPECT_EQ(size.height, 240);
  EXPECT_EQ(size.width, 360);
  for (const char* bad : {"", "224", "x224", "224x", "0x10", "-1x5", "2x3x4", "a x b", "224 x 224", "99999999999x1",
                          "100000x100000"})
    EXPECT_THROW(parse_target_size(bad), Error) << "'" << bad << "'";
}

}  // namespace
}  // namespace bottleneck
