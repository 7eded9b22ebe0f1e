// VGG16 and SqueezeNet features against the fixtures' independent references (PyTorch with
// the same weights), and the shapes Keras gives for other input sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/preprocessing.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::shared_dir;

struct FeatureCase {
  std::string model, image, expected, preprocess, weights;
  TargetSize size;
};

std::vector<FeatureCase> feature_cases() {
  std::vector<FeatureCase> cases;
  if (shared_dir().empty()) return cases;
  auto fixtures = shared_dir() / "fixtures";
  nlohmann::json manifest = nlohmann::json::parse(std::ifstream(fixtures / "manifest.json"));
  for (std::string model : {"vgg16", "squeezenet"}) {
    for (const auto& c : manifest[model]) {
      std::string preprocess = c["preprocess"] == "rescale" ? "rescale=1/255" : std::string(c["preprocess"]);
      cases.push_back({model, (fixtures / std::string(c["image"])).string(), (fixtures / std::string(c["expected"])).string(),
                       preprocess, (fixtures / std::string(c["weights"])).lexically_normal().string(),
                       {c["target_size"][0], c["target_size"][1]}});
    }
  }
  return cases;
}

class FeatureParity : public ::testing::TestWithParam<FeatureCase> {};

TEST_P(FeatureParity, MatchesReferenceWithin1e4) {
  const FeatureCase& c = GetParam();
  auto model = application_by_name(
      c.model, {.weights = c.weights, .input_shape = Shape{c.size.height, c.size.width, 3}});
  Tensor x = expand_dims(img_to_array(load_img(c.image, c.size, Interpolation::nearest)), 0);
  Preprocessing::parse(c.preprocess).apply(x);
  Tensor features = model->predict(x);
  Tensor expected = load_npy(c.expected);
  ASSERT_EQ(features.shape(), expected.shape());
  double error = testing::max_relative_error(features, expected);
  EXPECT_LE(error, 1e-4) << c.expected;
  RecordProperty("relative_error", std::to_string(error));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FeatureParity, ::testing::ValuesIn(feature_cases()),
                         [](const auto& info) { return info.param.model + "_" + std::to_string(info.index); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FeatureParity);

TEST(VGG16, OutputShapesFollowKeras) {
  EXPECT_EQ(VGG16({.weights = "random"})->output_shape(), (Shape{7, 7, 512}));
  EXPECT_EQ(VGG16({.weights = "random", .input_shape = Shape{240, 360, 3}})->output_shape(), (Shape{7, 11, 512}));
  EXPECT_EQ(VGG16({.weights = "random", .input_shape = Shape{32, 32, 3}})->output_shape(), (Shape{1, 1, 512}));
  EXPECT_EQ(VGG16({.weights = "random", .pooling = "avg"})->output_shape(), (Shape{512}));
  EXPECT_EQ(VGG16({.weights = "random", .pooling = "max"})->output_shape(), (Shape{512}));
  EXPECT_EQ(SqueezeNet({.weights = "random"})->output_shape(), (Shape{13, 13, 512}));
}

TEST(VGG16, LayerNamesAreKeras) {
  auto model = VGG16({.weights = "random"});
  std::vector<std::string> names;
  for (const auto& layer : model->layers()) names.push_back(layer->name());
  ASSERT_EQ(names.size(), 19u);
  EXPECT_EQ(names[0], "input_1");
  EXPECT_EQ(names[1], "block1_conv1");
  EXPECT_EQ(names[3], "block1_pool");
  EXPECT_EQ(names[18], "block5_pool");
  EXPECT_EQ(model->count_params(), 14714688);  // Keras' summary for VGG16 notop
}

TEST(VGG16, RejectsTooSmallInputsAndTop) {
  EXPECT_THROW(VGG16({.weights = "random", .input_shape = Shape{31, 224, 3}}), Error);
  EXPECT_THROW(VGG16({.weights = "random", .include_top = true}), Error);
  EXPECT_THROW(VGG16({.weights = "random", .pooling = "mean"}), Error);
}

TEST(VGG16, RandomWeightsAreSeeded) {
  Tensor x(Shape{1, 32, 32, 3}, 1.0f);
  Tensor a = VGG16({.weights = "random", .input_shape = Shape{32, 32, 3}, .seed = 7})->predict(x);
  Tensor b = VGG16({.weights = "random", .input_shape = Shape{32, 32, 3}, .seed = 7})->predict(x);
  Tensor c = VGG16({.weights = "random", .input_shape = Shape{32, 32, 3}, .seed = 8})->predict(x);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_FALSE(std::equal(a.begin(), a.end(), c.begin()));
}

TEST(VGG16, ImagenetOfflineSaysWhichFileToPutWhere) {
  auto home = testing::scratch_dir("empty-home");
  setenv("HOME", home.c_str(), 1);
  setenv("BOTTLENECK_HOME", (home / "cache").c_str(), 1);
  setenv("BOTTLENECK_OFFLINE", "1", 1);
  try {
    VGG16({.weights = "imagenet"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"), std::string::npos) << message;
    EXPECT_NE(message.find("6d6bbae143d832006294945121d1f1fc"), std::string::npos) << message;
    EXPECT_NE(message.find(".keras/models"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace bottleneck
