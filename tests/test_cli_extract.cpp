// `bottleneck extract` end to end: fixture images reproduce the reference features, folder
// trees give aligned rows, bad files are skipped or fail cleanly.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::scratch_dir;
using testing::shared_dir;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(CliExtract, ReproducesVgg16FixtureFeatures) {
  BOTTLENECK_REQUIRE_SHARED();
  auto fixtures = shared_dir() / "fixtures";
  nlohmann::json manifest = nlohmann::json::parse(std::ifstream(fixtures / "manifest.json"));
  int index = 0;
  for (const auto& c : manifest["vgg16"]) {
    auto out = scratch_dir("extract-vgg16-" + std::to_string(index++));
    std::string size = std::to_string(int(c["target_size"][0])) + "x" + std::to_string(int(c["target_size"][1]));
    std::string preprocess = c["preprocess"] == "rescale" ? "rescale=1/255" : std::string(c["preprocess"]);
    auto r = run_cli({"extract", (fixtures / std::string(c["image"])).string(), "-o", out.string(), "--weights",
                      (fixtures / "vgg16_random_notop.h5").string(), "--target-size", size, "--preprocess", preprocess,
                      "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Tensor ours = load_npy((out / "features.npy").string());
    Tensor expected = load_npy((fixtures / std::string(c["expected"])).string());
    ASSERT_EQ(ours.shape(), expected.shape());
    EXPECT_LE(testing::max_relative_error(ours, expected), 1e-4) << c["expected"];
    auto meta = nlohmann::json::parse(read_text(out / "meta.json"));
    EXPECT_EQ(meta["model"], "vgg16");
    EXPECT_EQ(meta["weights_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(meta["preprocess"], preprocess);
  }
}

TEST(CliExtract, ReproducesSqueezeNetFixtureFeatures) {
  BOTTLENECK_REQUIRE_SHARED();
  auto fixtures = shared_dir() / "fixtures";
  nlohmann::json manifest = nlohmann::json::parse(std::ifstream(fixtures / "manifest.json"));
  const auto& c = manifest["squeezenet"][0];
  auto out = scratch_dir("extract-squeezenet");
  auto r = run_cli({"extract", (fixtures / std::string(c["image"])).string(), "-o", out.string(), "--model",
                    "squeezenet", "--weights", (shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5").string(),
                    "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Tensor ours = load_npy((out / "features.npy").string());
  Tensor expected = load_npy((fixtures / std::string(c["expected"])).string());
  ASSERT_EQ(ours.shape(), expected.shape());
  EXPECT_LE(testing::max_relative_error(ours, expected), 1e-4);
}

// A small class tree of real fixture images plus bad files, through a random SqueezeNet.
fs::path make_tree(const std::string& name) {
  auto root = scratch_dir(name);
  auto images = shared_dir() / "fixtures" / "images";
  fs::create_directories(root / "cats");
  fs::create_directories(root / "dogs");
  fs::copy_file(images / "photo_500x375.jpg", root / "cats" / "a.jpg");
  fs::copy_file(images / "gray_300x200.jpg", root / "cats" / "b.JPG");
  fs::copy_file(images / "rgba_320x240.png", root / "dogs" / "c.png");
  fs::copy_file(images / "tiny_7x5.bmp", root / "dogs" / "e.bmp");
  std::ofstream(root / "cats" / "notes.txt") << "not an image";
  std::ofstream(root / "dogs" / "d_text.jpg") << "this is text named .jpg";
  std::ofstream(root / "dogs" / "d_zero.jpg");
  return root;
}

TEST(CliExtract, FolderRowsStayAlignedWhenFilesAreSkipped) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = make_tree("extract-tree");
  auto out = scratch_dir("extract-tree-out");
  auto r = run_cli({"extract", root.string(), "-o", out.string(), "--model", "squeezenet", "--weights", "random",
                    "--target-size", "64x64", "--pooling", "avg", "--batch-size", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("skipped dogs/d_text.jpg"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped dogs/d_zero.jpg"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out / "files.txt"), "cats/a.jpg\ncats/b.JPG\ndogs/c.png\ndogs/e.bmp\n");
  EXPECT_EQ(read_text(out / "classes.txt"), "cats\ndogs\n");
  EXPECT_EQ(read_npy((out / "labels.npy").string()).to_int32(), (std::vector<int32_t>{0, 0, 1, 1}));
  Tensor features = load_npy((out / "features.npy").string());
  EXPECT_EQ(features.shape(), (Shape{4, 512}));
  auto meta = nlohmann::json::parse(read_text(out / "meta.json"));
  EXPECT_EQ(meta["count"], 4);
  EXPECT_EQ(meta["skipped"].size(), 2u);

  // Each row is the features of the file it names: extracting one image alone agrees.
  auto single = scratch_dir("extract-tree-single");
  r = run_cli({"extract", (root / "dogs" / "c.png").string(), "-o", single.string(), "--model", "squeezenet",
               "--weights", "random", "--target-size", "64x64", "--pooling", "avg", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Tensor alone = load_npy((single / "features.npy").string());
  for (int64_t i = 0; i < 512; ++i) ASSERT_NEAR(alone[i], features[2 * 512 + i], 1e-5f);
}

TEST(CliExtract, TimingsSayWhereTheTimeWent) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = make_tree("extract-timings");
  auto out = scratch_dir("extract-timings-out");
  auto r = run_cli({"extract", root.string(), "-o", out.string(), "--model", "squeezenet", "--weights", "random",
                    "--target-size", "64x64", "--quiet", "--timings"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(r.err, m,
                               std::regex(R"(time: ([0-9.]+) s in all, ([0-9.]+) s building the network; forward )"
                                          R"(([0-9.]+) s and write ([0-9.]+) s on the main thread; decode ([0-9.]+) s, )"
                                          R"(resize ([0-9.]+) s and preprocess ([0-9.]+) s on the decoding threads\n)")))
      << r.err;
  const double all = std::stod(m[1]), network = std::stod(m[2]), forward = std::stod(m[3]);
  EXPECT_GT(forward, 0.0);
  EXPECT_GT(std::stod(m[5]) + std::stod(m[6]), 0.0) << "four images were decoded and resized";
  EXPECT_LE(network + forward + std::stod(m[4]), all + 0.01) << "the main thread's stages lie within the run";
}

TEST(CliExtract, OnErrorFailLeavesNoOutputs) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = make_tree("extract-fail");
  auto out = scratch_dir("extract-fail-out");
  auto r = run_cli({"extract", root.string(), "-o", out.string(), "--model", "squeezenet", "--weights", "random",
                    "--target-size", "64x64", "--on-error", "fail", "--quiet"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("d_text.jpg"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(out)) << "outputs left behind";
}

TEST(CliExtract, BadArgumentsAreOneLineErrors) {
  auto out = scratch_dir("extract-bad");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"extract", "/nonexistent/image.jpg", "-o", out.string(), "--weights", "random"},
           {"extract", out.string(), "-o", out.string(), "--weights", "random", "--model", "resnet"},
           {"extract", out.string(), "-o", out.string(), "--weights", "random", "--preprocess", "scale"},
           {"extract", out.string(), "-o", out.string(), "--weights", "/nonexistent/weights.h5"}}) {
    auto r = run_cli(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

// What an interrupted run left is checked before it is trusted: a damaged record, or one made
// with other settings, is a one-line error naming it (and stays, to be resumed correctly);
// a run without --resume replaces it.
TEST(CliExtract, ResumeChecksWhatTheInterruptedRunLeft) {
  const fs::path root = scratch_dir("extract-resume-checks"), images = root / "images", out = root / "out";
  for (int i = 0; i < 6; ++i) {
    fs::create_directories(images / (i % 2 ? "b" : "a"));
    std::ofstream ppm(images / (i % 2 ? "b" : "a") / (std::to_string(i) + ".ppm"), std::ios::binary);
    ppm << "P6\n8 8\n255\n" << std::string(8 * 8 * 3, static_cast<char>(40 * i));
  }
  const std::vector<std::string> extract{"extract", images.string(), "-o", out.string(), "--model", "squeezenet",
                                         "--weights", "random", "--target-size", "64x64", "--batch-size", "2"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = extract;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  const fs::path staging = out / ".extract-partial", record = staging / "features.npy.progress.json";
  fs::create_directories(staging);
  std::ofstream(record) << "{\"run\": {\"batch_size\": 2";
  std::ofstream(staging / "features.npy.partial") << "rows";

  auto damaged = with({"--resume", "-q"});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_EQ(damaged.err.rfind("error: cannot resume from " + record.string() + ": ", 0), 0u) << damaged.err;
  EXPECT_EQ(std::count(damaged.err.begin(), damaged.err.end(), '\n'), 1) << damaged.err;
  EXPECT_EQ(read_text(record), "{\"run\": {\"batch_size\": 2");
  EXPECT_FALSE(fs::exists(out / "features.npy"));

  auto fresh = with({});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.err.find("discarded the interrupted run in " + staging.string()), std::string::npos) << fresh.err;
  EXPECT_FALSE(fs::exists(staging));

  auto nothing = with({"--resume", "-q"});
  ASSERT_EQ(nothing.exit_code, 0) << nothing.err;

  // A record of another run (an older layout, say): refused, naming what differs.
  fs::create_directories(staging);
  nlohmann::json stale = {{"run", {{"batch_size", 2}, {"run_id", ""}}}, {"batches_done", 1}, {"rows_done", 2},
                          {"skipped", nlohmann::json::array()}};
  std::ofstream(record) << stale.dump();
  auto refused = with({"--resume", "-q"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("it was made with other images, model output shape, settings; start over"),
            std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace bottleneck
