// bottleneck info: the environment report, a weights file's layers, and the one-line error.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support.hpp"

namespace bottleneck {
namespace {

using testing::run_cli;
using testing::scratch_dir;
using testing::shared_dir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void expect_one_line_error_naming(const testing::CommandResult& r, const std::string& path) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("error:", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
}

TEST(CliInfo, ReportsLibrariesAndThreads) {
  auto r = run_cli({"info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* expected : {"bottleneck 0.", "oneDNN 2.", "CPU ISA (oneDNN): ", "HDF5 1.", "libjpeg-turbo ",
                               "libpng 1.", "libtiff 4.", "threads: "})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << " missing from:\n" << r.out;
}

TEST(CliInfo, ListsSqueezeNetWeightedLayers) {
  BOTTLENECK_REQUIRE_SHARED();
  const std::string path = (shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5").string();
  auto r = run_cli({"info", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("format: keras1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("keras_version: (none)\n"), std::string::npos) << r.out;
  int layer_lines = 0;
  for (const auto& line : lines_of(r.out)) layer_lines += line.rfind("  ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(layer_lines, 25) << r.out;
  EXPECT_NE(r.out.find("  conv1  uniform1 (3, 3, 3, 64)  conv1_b (64,)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  fire2/expand1x1  uniform3 (1, 1, 16, 64)  fire2/expand1x1_b (64,)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Total params: 722,496\n"), std::string::npos) << r.out;
}

TEST(CliInfo, Vgg16ParameterCount) {
  BOTTLENECK_REQUIRE_SHARED();
  auto r = run_cli({"info", (shared_dir() / "fixtures/vgg16_random_notop.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("layers: 18, with weights: 13\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Total params: 14,714,688\n"), std::string::npos) << r.out;  // Keras' VGG16 notop
}

TEST(CliInfo, TruncatedFileIsOneLineError) {
  BOTTLENECK_REQUIRE_SHARED();
  const std::string path = (scratch_dir("cli_info_truncated") / "squeezenet_first_100k.h5").string();
  {
    std::ifstream in(shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5", std::ios::binary);
    std::vector<char> head(100 * 1024);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(path, std::ios::binary).write(head.data(), in.gcount());
  }
  expect_one_line_error_naming(run_cli({"info", path}), path);
}

TEST(CliInfo, TextFileIsOneLineError) {
  const std::string path = (scratch_dir("cli_info_text") / "readme.h5").string();
  std::ofstream(path) << "not weights\nat all\n";
  expect_one_line_error_naming(run_cli({"info", path}), path);
}

TEST(CliInfo, MissingFileIsOneLineError) {
  const std::string path = (scratch_dir("cli_info_missing") / "absent.h5").string();
  expect_one_line_error_naming(run_cli({"info", path}), path);
}

TEST(CliInfo, Help) {
  auto r = run_cli({"info", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("weights"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace bottleneck
