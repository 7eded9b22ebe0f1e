// bottleneck load-img: writes Keras' load_img + img_to_array as float32 .npy; on bad input,
// exits non-zero with one "error:" line and writes nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

fs::path fixtures() { return testing::shared_dir() / "fixtures"; }

void expect_matches_expected(const fs::path& output, const fs::path& expected_path) {
  const NpyArray written = read_npy(output.string());
  const NpyArray expected = read_npy(expected_path.string());
  ASSERT_EQ(written.descr, "<f4");
  ASSERT_EQ(written.shape, expected.shape);
  const Tensor values = written.to_tensor();
  for (int64_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(values[i], static_cast<float>(expected.bytes[static_cast<size_t>(i)])) << "at " << i;
}

void expect_one_error_line(const testing::CommandResult& result) {
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
  ASSERT_FALSE(result.err.empty());
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

TEST(CliLoadImg, WritesKerasArrayAndPrintsShape) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path output = testing::scratch_dir("cli-load-img") / "x.npy";
  const auto result = testing::run_cli(
      {"load-img", (fixtures() / "images" / "photo_500x375.jpg").string(), "-o", output.string(), "--target-size", "224x224"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "(224, 224, 3)\n");
  EXPECT_EQ(result.err, "");
  expect_matches_expected(output, fixtures() / "expected" / "load_img" / "photo_500x375.jpg.224x224.nearest.npy");
}

TEST(CliLoadImg, InterpolationAndNativeSize) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("cli-load-img");
  const auto resized = testing::run_cli({"load-img", (fixtures() / "images" / "tiny_7x5.bmp").string(), "-o",
                                         (dir / "up.npy").string(), "--target-size", "240x360", "--interpolation",
                                         "nearest", "--quiet"});
  ASSERT_EQ(resized.exit_code, 0) << resized.err;
  EXPECT_EQ(resized.out, "");
  expect_matches_expected(dir / "up.npy", fixtures() / "expected" / "load_img" / "tiny_7x5.bmp.240x360.nearest.npy");

  const auto native = testing::run_cli(
      {"load-img", (fixtures() / "images" / "cmyk_256x256.jpg").string(), "-o", (dir / "native.npy").string()});
  ASSERT_EQ(native.exit_code, 0) << native.err;
  EXPECT_EQ(native.out, "(256, 256, 3)\n");
  expect_matches_expected(dir / "native.npy", fixtures() / "expected" / "load_img" / "cmyk_256x256.jpg.native.npy");
}

TEST(CliLoadImg, NotAnImageFailsWithoutOutput) {
  const fs::path dir = testing::scratch_dir("cli-load-img-bad");
  const fs::path text = dir / "notes.jpg";
  std::ofstream(text) << "not an image\n";
  const fs::path output = dir / "x.npy";
  const auto result = testing::run_cli({"load-img", text.string(), "-o", output.string()});
  expect_one_error_line(result);
  EXPECT_NE(result.err.find(text.string()), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(output));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // only notes.jpg
}

TEST(CliLoadImg, BadOptionsFailWithoutOutput) {
  const fs::path dir = testing::scratch_dir("cli-load-img-bad");
  const fs::path output = dir / "x.npy";
  const std::string missing = (dir / "absent.png").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"load-img", missing, "-o", output.string()},
        std::vector<std::string>{"load-img", missing, "-o", output.string(), "--interpolation", "cubic"},
        std::vector<std::string>{"load-img", missing, "-o", output.string(), "--target-size", "224"},
        std::vector<std::string>{"load-img", missing}}) {
    expect_one_error_line(testing::run_cli(args));
    EXPECT_FALSE(fs::exists(output));
  }
}

TEST(CliLoadImg, TruncatedImageLeavesNoOutput) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = testing::scratch_dir("cli-load-img-bad");
  std::ifstream in(fixtures() / "images" / "photo_500x375.jpg", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path cut = dir / "cut.jpg";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const fs::path output = dir / "x.npy";
  const auto result = testing::run_cli({"load-img", cut.string(), "-o", output.string()});
  expect_one_error_line(result);
  EXPECT_NE(result.err.find("truncated"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(output));
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace bottleneck
