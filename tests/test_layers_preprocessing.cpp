// Rescaling, Normalization and Resizing: values against hand-computed and PyTorch numbers,
// Keras 2 and Keras 3 configs (EfficientNet's stem), gradients.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;

void expect_values(const Tensor& got, const std::vector<double>& want, double tolerance = 1e-5) {
  ASSERT_EQ(got.size(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], tolerance) << "at " << i;
}

TEST(Rescaling, ScalarAndPerChannel) {
  auto scalar = Rescaling({.scale = {1.0 / 255}, .offset = {-1}});
  expect_values(scalar->forward({Tensor({1, 1, 1, 2}, {0, 255})}, false), {-1, 0});
  // syn_nested_shared's config: scale [0.5, 1, 2], offset [0.1, 0, -0.1] along the channels.
  auto channels = RescalingLayer::from_config(
      {{"name", "r"}, {"scale", {0.5, 1, 2}}, {"offset", {0.1, 0, -0.1}}, {"trainable", true}});
  expect_values(channels->forward({Tensor({1, 2, 3}, {1, 1, 1, 2, 4, 6})}, false), {0.6, 1, 1.9, 1.1, 4, 11.9});
  EXPECT_EQ(RescalingLayer::from_config(channels->get_config())->get_config(), channels->get_config());
  EXPECT_EQ(scalar->get_config()["scale"], 1.0 / 255);  // as Keras wrote it, in double
  EXPECT_THROW(channels->compute_output_shape({{4, 4, 2}}), Error);
  EXPECT_THROW(RescalingLayer::from_config({{"name", "r"}, {"scale", "big"}}), Error);
  EXPECT_THROW(RescalingLayer::from_config({{"name", "r"}, {"scale", 1}, {"data_format", "channels_first"}}), Error);
}

TEST(Rescaling, Keras3NumpyAndNestedForms) {
  auto numpy = RescalingLayer::from_config(
      {{"name", "r"},
       {"scale", {{"class_name", "__numpy__"}, {"config", {{"value", {{{2.0, 3.0}}}}, {"dtype", "float32"}}}}}});
  expect_values(numpy->forward({Tensor({1, 2}, {1, 1})}, false), {2, 3});
}

TEST(Normalization, MeanAndVarianceWeightsPerChannel) {
  auto norm = Normalization();  // axis -1
  Rng rng(1);
  norm->build({{2, 3}}, rng);
  ASSERT_EQ(norm->parameters().size(), 3u);
  EXPECT_EQ(norm->parameters()[0]->name, "mean");
  EXPECT_EQ(norm->parameters()[2]->name, "count");
  EXPECT_EQ(norm->count().value.shape(), Shape{});
  for (Parameter* p : norm->parameters()) EXPECT_FALSE(p->trainable);
  EXPECT_EQ(norm->count_params(), 3 + 3 + 1);
  norm->mean().value = Tensor({3}, {1, 2, 3});
  norm->variance().value = Tensor({3}, {4, 0, 0.25f});
  // (x - mean) / max(sqrt(var), 1e-7): the zero variance divides by 1e-7.
  Tensor y = norm->forward({Tensor({1, 2, 3}, {3, 2, 4, -1, 2, 3})}, false);
  expect_values(y, {1, 0, 2, -1, 0, 0}, 1e-4);
  EXPECT_NEAR(norm->forward({Tensor({1, 1, 3}, {1, 2.5f, 3})}, false)[1], 0.5 / 1e-7, 1e3);
}

TEST(Normalization, GivenStatisticsInvertAndGlobalAxis) {
  auto given = NormalizationLayer::from_config(
      {{"name", "n"}, {"axis", -1}, {"mean", {1, 2}}, {"variance", {4, 9}}, {"invert", false}});
  EXPECT_TRUE(given->parameters().empty());
  expect_values(given->forward({Tensor({1, 2}, {3, 5})}, false), {1, 1});
  auto inverted = NormalizationLayer::from_config(
      {{"name", "n"}, {"axis", -1}, {"mean", {1, 2}}, {"variance", {4, 9}}, {"invert", true}});
  expect_values(inverted->forward({Tensor({1, 2}, {1, 1})}, false), {3, 5});
  // axis null (Keras 3) or [] (Keras 2): one mean and variance for everything.
  for (const nlohmann::json& axis : {nlohmann::json(), nlohmann::json::array()}) {
    auto global = NormalizationLayer::from_config({{"name", "n"}, {"axis", axis}, {"mean", 2}, {"variance", 4}});
    expect_values(global->forward({Tensor({1, 2, 2}, {2, 4, 6, 0})}, false), {0, 1, 2, -1});
  }
  // Two kept axes: statistics shaped (2, 2) over (batch, 2, 2, 1).
  auto two = Normalization({.axis = {1, 2}});
  Rng rng(1);
  two->build({{2, 2, 1}}, rng);
  EXPECT_EQ(two->mean().value.shape(), (Shape{2, 2}));
  two->mean().value = Tensor({2, 2}, {0, 1, 2, 3});
  expect_values(two->forward({Tensor({1, 2, 2, 1}, {1, 1, 1, 1})}, false), {1, 0, -1, -2});
  EXPECT_EQ(NormalizationLayer::from_config(given->get_config())->get_config(), given->get_config());
}

TEST(Normalization, Refusals) {
  EXPECT_THROW(Normalization({.axis = {0}})->compute_output_shape({{3}}), Error);
  EXPECT_THROW(Normalization({.axis = {4}})->compute_output_shape({{2, 2, 3}}), Error);
  EXPECT_THROW(NormalizationLayer::from_config({{"name", "n"}, {"mean", {1, 2}}}), Error);  // no variance
  auto three = NormalizationLayer::from_config({{"name", "n"}, {"mean", {1, 2, 3}}, {"variance", {1, 1, 1}}});
  EXPECT_THROW(three->compute_output_shape({{2, 2}}), Error);
}

// EfficientNet's stem as the file says it: Rescaling(1/255), Normalization (weights), and in
// Keras 2.10+ ImageNet models Rescaling(1/sqrt(stddev)) after it, applied as written.
TEST(Normalization, EfficientNetStemConfigs) {
  BOTTLENECK_REQUIRE_SHARED();
  std::ifstream in(testing::shared_dir() / "fixtures/keras_models/efficientnetb0/topology.json");
  ASSERT_TRUE(in);
  const nlohmann::json topology = nlohmann::json::parse(in);
  int seen = 0;
  for (const nlohmann::json& layer : topology["config"]["layers"]) {
    const std::string class_name = layer["class_name"];
    if (class_name != "Rescaling" && class_name != "Normalization") continue;
    LayerPtr loaded = layer_from_config(layer);
    EXPECT_EQ(layer_from_config({{"class_name", class_name}, {"config", loaded->get_config()}})->get_config(),
              loaded->get_config());
    Rng rng(1);
    loaded->build({{8, 8, 3}}, rng);
    if (class_name == "Normalization") EXPECT_EQ(loaded->parameters().at(0)->value.shape(), Shape{3});
    ++seen;
  }
  EXPECT_GE(seen, 2);
}

// The Keras 3 config of syn_preproc_se's model.keras.
TEST(Normalization, Keras3Config) {
  auto norm = layer_from_config(nlohmann::json::parse(R"({"module": "keras.layers", "class_name": "Normalization",
      "config": {"name": "normalization", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
      "config": {"name": "float32"}, "registered_name": null}, "axis": [3], "invert": false, "mean": null,
      "variance": null}})"));
  EXPECT_EQ(norm->get_config()["axis"], nlohmann::json::array({3}));
  Rng rng(1);
  norm->build({{16, 16, 3}}, rng);
  EXPECT_EQ(norm->count_params(), 7);
}

TEST(PreprocessingGradients, RescalingAndNormalization) {
  auto rescaling = Rescaling({.scale = {0.5, -2, 3}, .offset = {1}});
  EXPECT_EQ(check_layer_gradients(*rescaling, {{2, 3}}), 2 * 6);
  // Statistics given in the config (the gradient check differentiates every weight it is
  // shown; Normalization's are non-trainable).
  auto norm = Normalization({.mean = std::vector<double>{0.1, -0.2, 0.3}, .variance = std::vector<double>{0.25, 4, 1}});
  EXPECT_EQ(check_layer_gradients(*norm, {{2, 3}}), 2 * 6);
  auto inverted = Normalization({.axis = {}, .mean = std::vector<double>{1}, .variance = std::vector<double>{4}, .invert = true});
  check_layer_gradients(*inverted, {{2, 3}});
}

// (1, 5, 7, 2) with value ((h * 7 + w) * 2 + c) * 0.37 mod 5.
Tensor resize_input() {
  Tensor x({1, 5, 7, 2});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::fmod(static_cast<double>(i) * 0.37, 5.0));
  return x;
}

TEST(Resizing, BilinearHalfPixelByHand) {
  // TF: source = (i + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> read 0, 0.25, 0.75, 1.
  auto resize = Resizing({.height = 4, .width = 4});
  Tensor y = resize->forward({Tensor({1, 2, 2, 1}, {0, 1, 2, 3})}, false);
  expect_values(y, {0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3});
  EXPECT_EQ(resize->compute_output_shape({{2, 2, 1}}), (Shape{4, 4, 1}));
}

// TF's half-pixel bilinear is PyTorch's bilinear with align_corners=False and its
// nearest-exact; expected values from PyTorch 1.13 in float64:
//   x = fmod(arange(70) * 0.37, 5) as (1, 5, 7, 2) NHWC; F.interpolate(nchw, size, mode=...)
TEST(Resizing, MatchesTensorFlowKernels) {
  const Tensor x = resize_input();
  auto down = Resizing({.height = 3, .width = 4});
  expect_values(down->forward({x}, false),
                {0.3375, 0.7075, 1.6325, 2.0025, 2.9275, 3.2975, 4.2225, 4.5925, 0.6375, 1.0075, 1.9325, 2.3025,
                 3.2275, 3.5975, 4.5225, 1.7675, 0.9375, 1.3075, 2.2325, 2.6025, 3.5275, 3.8975, 2.739167, 2.0675});
  auto nearest = Resizing({.height = 3, .width = 4, .interpolation = "nearest"});
  expect_values(nearest->forward({x}, false), {0, 0.37, 1.48, 1.85, 2.96, 3.33, 4.44, 4.81, 0.36, 0.73, 1.84, 2.21,
                                               3.32, 3.69, 4.8, 0.17, 0.72, 1.09, 2.2, 2.57, 3.68, 4.05, 0.16, 0.53});
  auto tall = Resizing({.height = 8, .width = 3});
  Tensor t = tall->forward({x}, false);
  EXPECT_EQ(t.shape(), (Shape{1, 8, 3, 2}));
  expect_values(t, {0.4933333, 0.8633333, 2.22,     2.59,     3.946667, 4.316667, 0.5720833, 0.9420833, 2.29875,
                    2.66875,   4.025417,  4.395417, 0.6845833, 1.054583, 2.41125,  2.78125,  4.137917,  4.40375,
                    0.7970833, 1.167083,  2.52375,  2.89375,  4.250417, 3.474583, 0.9095833, 1.279583,  2.63625,
                    3.00625,   4.362917,  3.06625,  1.022083, 1.392083, 2.74875,  3.11875,  4.475417,  3.17875,
                    1.134583,  1.504583,  2.86125,  3.23125,  3.650417, 3.29125,  1.213333,  1.583333,  2.94,
                    3.31,      3,         3.37});
}

TEST(Resizing, CropToAspectRatioTakesTheCentredWindow) {
  // 5 x 7 to 4 x 4: crop 5 x 5 starting at column 1, then resize (PyTorch on x[:, :, 0:5, 1:6]).
  auto crop = Resizing({.height = 4, .width = 4, .crop_to_aspect_ratio = true});
  expect_values(crop->forward({resize_input()}, false),
                {0.855, 1.225, 1.78, 2.15,  2.705, 3.075, 3.63, 4,     1.08, 1.45,  2.005, 2.375, 2.93, 3.3,  3.855, 4.225,
                 1.305, 1.675, 2.23, 2.6,   3.155, 3.525, 4.08, 4.45,  1.53, 1.9,   2.455, 2.825, 3.38, 3.75, 4.305, 4.675});
}

TEST(Resizing, ConfigsAndRefusals) {
  auto keras3 = layer_from_config(nlohmann::json::parse(R"({"class_name": "Resizing", "config": {"name": "resize",
      "trainable": true, "dtype": "float32", "height": 224, "width": 200, "interpolation": "nearest",
      "crop_to_aspect_ratio": false, "pad_to_aspect_ratio": false, "fill_mode": "constant", "fill_value": 0.0,
      "data_format": "channels_last"}})"));
  EXPECT_EQ(keras3->compute_output_shape({{32, 32, 3}}), (Shape{224, 200, 3}));
  EXPECT_EQ(ResizingLayer::from_config(keras3->get_config())->get_config(), keras3->get_config());
  const auto refused = [](nlohmann::json fields) {
    nlohmann::json config = {{"name", "r"}, {"height", 4}, {"width", 4}};
    config.update(fields);
    EXPECT_THROW(ResizingLayer::from_config(config), Error) << fields.dump();
  };
  refused({{"height", 0}});
  refused({{"width", int64_t{1} << 40}});
  refused({{"interpolation", "bicubic"}});
  refused({{"pad_to_aspect_ratio", true}});
  refused({{"data_format", "channels_first"}});
}

}  // namespace
}  // namespace bottleneck
