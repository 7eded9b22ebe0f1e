// MobileNetV2, MobileNet and EfficientNetB0 against the Keras fixtures
// (../shared/fixtures/keras_models): built as the fixtures were (the MobileNets at their real
// alpha), they predict Keras' outputs from Keras' weights; every builder lays out the fixture's layers (names,
// classes, order, the configs that decide the arithmetic), and the published output shapes.
// The EfficientNetB0 fixture divides the filters by 8: it is built here at that width.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "applications/efficientnet.hpp"
#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/saving.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::shared_dir;

std::filesystem::path fixture_dir(const std::string& model) { return shared_dir() / "fixtures" / "keras_models" / model; }

nlohmann::json manifest(const std::string& model) {
  return nlohmann::json::parse(std::ifstream(fixture_dir(model) / "manifest.json"));
}

ApplicationOptions fixture_options(const std::string& model, const std::string& weights) {
  nlohmann::json options = manifest(model)["options"];
  ApplicationOptions result{.weights = weights,
                            .input_shape = Shape{options["input_shape"][0], options["input_shape"][1], 3}};
  if (options["alpha"].is_number()) result.alpha = options["alpha"];
  return result;
}

// The network as the fixture holds it: EfficientNetB0's at the fixture's reduced width.
std::unique_ptr<Model> build_like_fixture(const std::string& model, const std::string& weights) {
  ApplicationOptions options = fixture_options(model, weights);
  if (model == "efficientnetb0") return detail::efficientnet_b0_layout(options, manifest(model)["options"]["width"]);
  return application_by_name(model, options);
}

// max |ours - expected| / rms(expected), the rms as the fixture's manifest records it.
double error_over_rms(const Tensor& ours, const Tensor& expected, double rms) {
  double worst = 0;
  for (int64_t i = 0; i < expected.size(); ++i) worst = std::max(worst, static_cast<double>(std::fabs(ours[i] - expected[i])));
  return worst / rms;
}

class KerasParity : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasParity, PredictsKerasOutputsFromKerasWeights) {
  BOTTLENECK_REQUIRE_SHARED();
  const std::string& name = GetParam();
  auto model = build_like_fixture(name, (fixture_dir(name) / "weights.h5").string());
  Tensor features = model->predict(load_npy((fixture_dir(name) / "inputs.npy").string()));
  Tensor expected = load_npy((fixture_dir(name) / "expected.npy").string());
  ASSERT_EQ(features.shape(), expected.shape());
  double error = error_over_rms(features, expected, manifest(name)["outputs"]["final"]["rms"]);
  EXPECT_LE(error, 1e-4);
  RecordProperty("error_over_rms", std::to_string(error));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KerasParity, ::testing::Values("mobilenetv2", "mobilenet", "efficientnetb0"));

// The configuration entries that decide what a layer computes.
nlohmann::json arithmetic_config(const Layer& layer) {
  nlohmann::json config = layer.get_config(), kept = nlohmann::json::object();
  for (const char* key : {"filters", "kernel_size", "strides", "padding", "epsilon", "momentum", "max_value", "activation",
                          "use_bias", "depth_multiplier", "rate", "noise_shape", "target_shape", "scale", "axis"})
    if (config.contains(key)) kept[key] = config[key];
  if (kept.contains("axis") && kept["axis"] == -1) kept["axis"] = 3;  // the last of (batch, h, w, c)
  return kept;
}

class KerasLayout : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasLayout, MatchesTheFixturesLayers) {
  BOTTLENECK_REQUIRE_SHARED();
  const std::string& name = GetParam();
  auto ours = build_like_fixture(name, "random");
  auto keras = load_model((fixture_dir(name) / "model.h5").string());
  const auto our_layers = ours->layers(), keras_layers = keras->layers();
  ASSERT_EQ(our_layers.size(), keras_layers.size());
  for (size_t i = 0; i < keras_layers.size(); ++i) {
    SCOPED_TRACE(keras_layers[i]->name());
    ASSERT_EQ(our_layers[i]->name(), keras_layers[i]->name());
    EXPECT_EQ(our_layers[i]->class_name(), keras_layers[i]->class_name());
    EXPECT_EQ(arithmetic_config(*our_layers[i]), arithmetic_config(*keras_layers[i]));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KerasLayout, ::testing::Values("mobilenetv2", "mobilenet", "efficientnetb0"));

TEST(MobileNets, OutputShapesFollowKeras) {
  EXPECT_EQ(MobileNetV2({.weights = "random"})->output_shape(), (Shape{7, 7, 1280}));
  EXPECT_EQ(MobileNetV2({.weights = "random", .alpha = 1.4})->output_shape(), (Shape{7, 7, 1792}));
  EXPECT_EQ(MobileNetV2({.weights = "random", .input_shape = Shape{96, 128, 3}, .alpha = 0.5})->output_shape(),
            (Shape{3, 4, 1280}));
  EXPECT_EQ(MobileNet({.weights = "random"})->output_shape(), (Shape{7, 7, 1024}));
  EXPECT_EQ(MobileNet({.weights = "random", .alpha = 0.25})->output_shape(), (Shape{7, 7, 256}));
  EXPECT_EQ(MobileNet({.weights = "random", .pooling = "avg", .alpha = 0.5})->output_shape(), (Shape{512}));
  // Keras' summaries: MobileNetV2 notop 2,257,984 parameters, MobileNet notop 3,228,864.
  EXPECT_EQ(MobileNetV2({.weights = "random"})->count_params(), 2257984);
  EXPECT_EQ(MobileNet({.weights = "random"})->count_params(), 3228864);
}

TEST(MobileNets, RefuseANonPositiveAlpha) {
  EXPECT_THROW(MobileNetV2({.weights = "random", .alpha = 0}), Error);
  EXPECT_THROW(MobileNet({.weights = "random", .alpha = -1}), Error);
}

TEST(EfficientNetB0, OutputShapeFollowsKeras) {
  EXPECT_EQ(EfficientNetB0({.weights = "random"})->output_shape(), (Shape{7, 7, 1280}));
  EXPECT_EQ(EfficientNetB0({.weights = "random", .input_shape = Shape{240, 320, 3}})->output_shape(),
            (Shape{8, 10, 1280}));
  // Keras' summary: 4,049,571 parameters, Normalization's mean, variance and count included.
  EXPECT_EQ(EfficientNetB0({.weights = "random"})->count_params(), 4049571);
}

std::vector<std::string> layer_names(const Model& model) {
  std::vector<std::string> names;
  for (const auto& layer : model.layers()) names.push_back(layer->name());
  return names;
}

// Keras (2.10 on) divides by sqrt(stddev) once more only in the ImageNet model; Keras' own
// cache is trusted without a hash, so a saved random model stands in for the published file.
TEST(EfficientNetB0, ImagenetStemRescalesBySqrtOfStddev) {
  auto home = testing::scratch_dir("keras-home");
  std::filesystem::create_directories(home / ".keras" / "models");
  auto random = EfficientNetB0({.weights = "random", .input_shape = Shape{32, 32, 3}});
  random->save_weights((home / ".keras" / "models" / "efficientnetb0_notop.h5").string());
  setenv("HOME", home.c_str(), 1);
  setenv("BOTTLENECK_OFFLINE", "1", 1);
  auto imagenet = EfficientNetB0({.weights = "imagenet", .input_shape = Shape{32, 32, 3}});
  std::vector<std::string> names = layer_names(*imagenet), expected = layer_names(*random);
  expected.insert(expected.begin() + 3, "rescaling_1");
  EXPECT_EQ(names, expected);
  nlohmann::json scale = imagenet->layers()[3]->get_config()["scale"];
  ASSERT_EQ(scale.size(), 3u);
  EXPECT_NEAR(scale[0].get<double>(), 1 / std::sqrt(0.229), 1e-12);
  EXPECT_NEAR(scale[2].get<double>(), 1 / std::sqrt(0.225), 1e-12);
}

}  // namespace
}  // namespace bottleneck
