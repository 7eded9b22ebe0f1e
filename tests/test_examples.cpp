// The seed's programs in examples/ are built with the project and run here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

std::string run(const std::string& command) {
  std::string output;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), &pclose);
  char buffer[512];
  while (pipe && fgets(buffer, sizeof buffer, pipe.get())) output += buffer;
  return output;
}

TEST(Examples, Vgg16FeaturesPrintsTheSeedShapes) {
  BOTTLENECK_REQUIRE_SHARED();
  auto fixtures = testing::shared_dir() / "fixtures";
  std::string out = run(std::string(BOTTLENECK_BINARY_DIR) + "/example_vgg16_features " +
                        (fixtures / "images/photo_500x375.jpg").string() + " " +
                        (fixtures / "vgg16_random_notop.h5").string());
  EXPECT_EQ(out, "(1, 224, 224, 3)\n(1, 7, 7, 512)\n");
}

TEST(Examples, SaveBottleneckFeaturesWritesBothSplits) {
  BOTTLENECK_REQUIRE_SHARED();
  auto fixtures = testing::shared_dir() / "fixtures";
  auto data = testing::scratch_dir("example-bottleneck-data");
  for (std::string split : {"train", "test"})
    for (std::string cls : {"cats", "dogs"}) {
      std::filesystem::create_directories(data / split / cls);
      std::filesystem::copy_file(fixtures / "images/photo_500x375.jpg", data / split / cls / "1.jpg");
    }
  auto out = testing::scratch_dir("example-bottleneck-out");
  std::string printed = run(std::string(BOTTLENECK_BINARY_DIR) + "/example_save_bottleneck_features " + data.string() +
                            " " + (fixtures / "vgg16_random_notop.h5").string() + " " + out.string());
  EXPECT_EQ(printed,
            "Found 2 images belonging to 2 classes.\nbottleneck_features_train.npy (2, 7, 11, 512)\n"
            "Found 2 images belonging to 2 classes.\nbottleneck_features_test.npy (2, 7, 11, 512)\n");
  // The fixture's reference features for this image at 240x360 with rescale=1/255.
  Tensor ours = load_npy((out / "bottleneck_features_train.npy").string());
  Tensor expected = load_npy((fixtures / "expected/vgg16/photo_500x375.jpg.240x360.rescale.npy").string());
  EXPECT_LE(testing::max_relative_error(ours, expected), 1e-4);
}

TEST(Examples, FineTuneTrainsBlock5AndTheHead) {
  BOTTLENECK_REQUIRE_SHARED();
  auto fixtures = testing::shared_dir() / "fixtures";
  auto data = testing::scratch_dir("example-fine-tune");
  const char* names[] = {"photo_500x375.jpg", "gray_300x200.jpg", "cmyk_256x256.jpg", "rgba_320x240.png"};
  for (std::string split : {"train", "val"})
    for (int c = 0; c < 2; ++c) {
      auto dir = data / split / (c ? "dogs" : "cats");
      std::filesystem::create_directories(dir);
      for (int i = 0; i < 2; ++i) std::filesystem::copy_file(fixtures / "images" / names[2 * c + i], dir / names[2 * c + i]);
    }
  std::string printed = run(std::string(BOTTLENECK_BINARY_DIR) + "/example_fine_tune " + (data / "train").string() +
                            " " + (data / "val").string() + " " + (fixtures / "vgg16_random_notop.h5").string() +
                            " '' 32 2");
  EXPECT_NE(printed.find("cached frozen prefix"), std::string::npos) << printed;
  EXPECT_NE(printed.find("Epoch 2/2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("val_acc"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("error"), std::string::npos) << printed;
}

}  // namespace
}  // namespace bottleneck
