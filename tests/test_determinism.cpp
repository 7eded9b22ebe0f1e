// The same command with the same seed and thread count gives bit-identical features and
// trained weights. Across thread counts, results may differ in the last bits (oneDNN and
// OpenMP split reductions by thread); the test prints whether they did, it does not require it.
#include <fstream>
#include <iostream>

#include "bottleneck/npy.hpp"
#include "bottleneck/weights_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::scratch_dir;

// A folder of two classes of small BMPs (24-bit, bottom-up), each image different.
fs::path write_image_tree(const fs::path& root) {
  for (int c = 0; c < 2; ++c) {
    const fs::path dir = root / (c ? "b" : "a");
    fs::create_directories(dir);
    for (int i = 0; i < 6; ++i) {
      const int size = 40, stride = size * 3;
      std::vector<uint8_t> b = {'B', 'M'};
      auto u32 = [&](uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}); };
      auto u16 = [&](uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)}); };
      u32(54 + stride * size), u32(0), u32(54), u32(40), u32(size), u32(size), u16(1), u16(24), u32(0),
          u32(stride * size), u32(0), u32(0), u32(0), u32(0);
      for (int p = 0; p < stride * size; ++p) b.push_back(uint8_t(p * (7 + i) + c * 91));
      std::ofstream(dir / (std::to_string(i) + ".bmp"), std::ios::binary)
          .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    }
  }
  return root;
}

NpyArray extract(const fs::path& images, const fs::path& out, const std::string& threads) {
  const auto r = run_cli({"extract", images.string(), "-o", out.string(), "--model", "squeezenet", "--weights",
                          "random", "--target-size", "64x64", "--pooling", "avg", "--threads", threads, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_npy((out / "features.npy").string());
}

std::vector<float> trained_weights(const fs::path& features, const fs::path& model) {
  const auto r = run_cli({"train", "--train", features.string(), "--val", features.string(), "-o", model.string(),
                          "--head", "flatten,dense:16:relu,dropout:0.5,dense:1:sigmoid", "--epochs", "3",
                          "--batch-size", "4", "--seed", "7", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<float> values;
  for (const LayerWeights& layer : read_weights_file(model.string()).layers)
    for (const WeightVariable& v : layer.variables) values.insert(values.end(), v.value.begin(), v.value.end());
  return values;
}

TEST(Determinism, SameSeedAndThreadsGiveBitIdenticalFeaturesAndWeights) {
  const fs::path dir = scratch_dir("determinism");
  const fs::path images = write_image_tree(dir / "images");
  const NpyArray first = extract(images, dir / "f1", "2");
  const NpyArray second = extract(images, dir / "f2", "2");
  ASSERT_EQ(first.shape, (Shape{12, 512}));
  EXPECT_EQ(first.bytes, second.bytes) << "features differ between identical runs";

  const std::vector<float> w1 = trained_weights(dir / "f1", dir / "m1.h5");
  const std::vector<float> w2 = trained_weights(dir / "f1", dir / "m2.h5");
  ASSERT_FALSE(w1.empty());
  EXPECT_EQ(w1, w2) << "trained weights differ between identical runs";

  // What one thread changes: reported, not required.
  const NpyArray single = extract(images, dir / "f3", "1");
  const std::vector<float> w3 = trained_weights(dir / "f3", dir / "m3.h5");
  std::cout << "threads 1 vs 2: features " << (single.bytes == first.bytes ? "identical" : "differ in the last bits")
            << ", trained weights " << (w3 == w1 ? "identical" : "differ") << "\n";
}

}  // namespace
}  // namespace bottleneck
