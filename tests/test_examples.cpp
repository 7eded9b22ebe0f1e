// The seed's programs in examples/ are built with the project and run here.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

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

}  // namespace
}  // namespace bottleneck
