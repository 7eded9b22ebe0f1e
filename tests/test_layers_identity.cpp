// Layers that are the identity at inference: Dropout (noise_shape), SpatialDropout2D,
// GaussianNoise, GaussianDropout, ActivityRegularization, the augmentation layers, and
// RandomCrop's crop-and-resize.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;

Tensor counting(Shape shape) {
  Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t[i] = 1.0f + 0.01f * static_cast<float>(i);
  return t;
}

// Keras 3 configs of every identity-at-inference class, with the fields Keras writes.
const std::vector<nlohmann::json> keras_configs{
    {{"class_name", "GaussianNoise"}, {"config", {{"name", "a"}, {"stddev", 0.1}, {"seed", nullptr}}}},
    {{"class_name", "GaussianDropout"}, {"config", {{"name", "b"}, {"rate", 0.2}, {"seed", 7}}}},
    {{"class_name", "ActivityRegularization"}, {"config", {{"name", "c"}, {"l1", 0.01}, {"l2", 0.0}}}},
    {{"class_name", "RandomFlip"}, {"config", {{"name", "d"}, {"mode", "horizontal"}, {"seed", nullptr},
                                               {"data_format", "channels_last"}}}},
    {{"class_name", "RandomRotation"},
     {"config", {{"name", "e"}, {"factor", {-0.1, 0.2}}, {"fill_mode", "constant"}, {"interpolation", "nearest"},
                 {"seed", 3}, {"fill_value", 0.5}, {"value_range", {0, 255}}, {"data_format", "channels_last"}}}},
    {{"class_name", "RandomZoom"},
     {"config", {{"name", "f"}, {"height_factor", 0.2}, {"width_factor", nullptr}, {"fill_mode", "reflect"},
                 {"interpolation", "bilinear"}, {"seed", nullptr}, {"fill_value", 0.0}}}},
    {{"class_name", "RandomTranslation"},
     {"config", {{"name", "g"}, {"height_factor", {-0.1, 0.1}}, {"width_factor", 0.1}, {"fill_mode", "wrap"}}}},
    {{"class_name", "RandomContrast"}, {"config", {{"name", "h"}, {"factor", 0.5}, {"value_range", {0, 1}}}}},
    {{"class_name", "RandomBrightness"}, {"config", {{"name", "i"}, {"factor", {-0.2, 0.3}}, {"value_range", {0, 255}}}}},
    {{"class_name", "RandomHeight"}, {"config", {{"name", "j"}, {"factor", 0.2}, {"interpolation", "bilinear"}}}},
    {{"class_name", "RandomWidth"}, {"config", {{"name", "k"}, {"factor", {0.1, 0.3}}}}},
};

TEST(IdentityAtInference, EveryClassReturnsItsInputAndKeepsItsConfig) {
  const Tensor x = counting({2, 3, 4, 2});
  for (const nlohmann::json& class_and_config : keras_configs) {
    const std::string class_name = class_and_config["class_name"];
    SCOPED_TRACE(class_name);
    LayerPtr layer = layer_from_config(class_and_config);
    EXPECT_EQ(layer->class_name(), class_name);
    Rng rng(1);
    layer->build({{3, 4, 2}}, rng);
    EXPECT_EQ(layer->compute_output_shape({{3, 4, 2}}), (Shape{3, 4, 2}));
    Tensor y = layer->forward({x}, false);
    EXPECT_EQ(std::vector<float>(y.begin(), y.end()), std::vector<float>(x.begin(), x.end()));
    // Every field comes back as written, so Keras reads what it wrote.
    const nlohmann::json config = layer->get_config();
    for (const auto& [key, value] : class_and_config["config"].items()) EXPECT_EQ(config[key], value) << key;
    EXPECT_EQ(layer_from_config({{"class_name", class_name}, {"config", config}})->get_config(), config);
    // The gradient passes through after an inference forward.
    Tensor g = counting({2, 3, 4, 2});
    Tensor dx = layer->backward(g, true)[0];
    EXPECT_EQ(std::vector<float>(dx.begin(), dx.end()), std::vector<float>(g.begin(), g.end()));
  }
}

TEST(IdentityAtInference, FactoriesWriteKerasDefaults) {
  auto flip = RandomFlip("vertical");
  EXPECT_EQ(flip->get_config()["mode"], "vertical");
  EXPECT_EQ(flip->name(), "random_flip");
  auto rotation = RandomRotation(0.1);
  EXPECT_EQ(rotation->get_config()["fill_mode"], "reflect");
  EXPECT_EQ(RandomZoom(0.2)->get_config()["width_factor"], nullptr);
  EXPECT_EQ(RandomTranslation(0.1, 0.2)->get_config()["width_factor"], 0.2);
  EXPECT_EQ(RandomBrightness(0.2)->get_config()["value_range"], nlohmann::json({0, 255}));
  EXPECT_EQ(RandomContrast(0.2)->get_config()["factor"], 0.2);
  EXPECT_EQ(RandomHeight(0.2)->get_config()["interpolation"], "bilinear");
  EXPECT_EQ(RandomWidth(0.2)->class_name(), "RandomWidth");
  EXPECT_EQ(ActivityRegularization(0.1)->get_config()["l1"], 0.1);
  EXPECT_THROW(GaussianNoise(-1.0), Error);
}

TEST(GaussianNoise, AddsNoiseOfStddevInTraining) {
  auto noise = GaussianNoise(0.5);
  Rng rng(1);
  noise->build({{1000}}, rng);
  const Tensor x(Shape{4, 1000}, 2.0f);
  Tensor y = noise->forward({x}, true);
  double sum = 0, squares = 0;
  for (float v : y) {
    sum += v - 2.0;
    squares += (v - 2.0) * (v - 2.0);
  }
  EXPECT_NEAR(sum / 4000, 0.0, 0.05);
  EXPECT_NEAR(std::sqrt(squares / 4000), 0.5, 0.05);
  Tensor g(Shape{4, 1000}, 1.0f);
  EXPECT_EQ(noise->backward(g, true)[0][7], 1.0f);  // additive: the gradient passes unchanged
}

TEST(GaussianDropout, MultipliesByNoiseAroundOne) {
  auto dropout = GaussianDropout(0.2);
  Rng rng(1);
  dropout->build({{1000}}, rng);
  Tensor y = dropout->forward({Tensor(Shape{4, 1000}, 1.0f)}, true);
  double sum = 0, squares = 0;
  for (float v : y) {
    sum += v;
    squares += (v - 1.0) * (v - 1.0);
  }
  EXPECT_NEAR(sum / 4000, 1.0, 0.05);
  EXPECT_NEAR(std::sqrt(squares / 4000), std::sqrt(0.2 / 0.8), 0.05);
}

TEST(Dropout, NoiseShapeDropsWholeSamples) {
  // EfficientNet's Dropout(noise_shape=(None, 1, 1, 1)): each sample kept or dropped whole.
  auto dropout = DropoutLayer::from_config(
      {{"name", "drop"}, {"rate", 0.5}, {"noise_shape", {nullptr, 1, 1, 1}}, {"seed", nullptr}});
  Rng rng(3);
  dropout->build({{2, 2, 3}}, rng);
  Tensor y = dropout->forward({Tensor(Shape{16, 2, 2, 3}, 1.0f)}, true);
  std::set<float> kinds;
  for (int64_t n = 0; n < 16; ++n) {
    std::set<float> in_sample(y.data() + n * 12, y.data() + (n + 1) * 12);
    EXPECT_EQ(in_sample.size(), 1u) << "sample " << n;
    kinds.insert(*in_sample.begin());
  }
  EXPECT_EQ(kinds, (std::set<float>{0.0f, 2.0f}));
  EXPECT_EQ(dropout->get_config()["noise_shape"], nlohmann::json({nullptr, 1, 1, 1}));
  EXPECT_EQ(DropoutLayer::from_config(dropout->get_config())->get_config(), dropout->get_config());
  Tensor x = counting({1, 2, 2, 3});
  Tensor same = dropout->forward({x}, false);
  EXPECT_EQ(same.data(), x.data());  // inference: the input itself
  auto mismatched = Dropout(0.5, {std::nullopt, 2, 1, 1});
  mismatched->build({{3, 2, 3}}, rng);
  EXPECT_THROW(mismatched->forward({Tensor({1, 3, 2, 3})}, true), Error);
  EXPECT_THROW(Dropout(0.5, NoiseShape{0}), Error);
}

TEST(SpatialDropout2D, DropsWholeChannels) {
  auto dropout = SpatialDropout2D(0.5);
  Rng rng(5);
  dropout->build({{3, 3, 8}}, rng);
  Tensor y = dropout->forward({Tensor(Shape{2, 3, 3, 8}, 1.0f)}, true);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 8; ++c)
      for (int64_t p = 1; p < 9; ++p) EXPECT_EQ(y[(n * 9 + p) * 8 + c], y[n * 9 * 8 + c]);
  EXPECT_EQ(dropout->get_config()["data_format"], "channels_last");
  EXPECT_THROW(SpatialDropout2DLayer::from_config({{"name", "s"}, {"rate", 0.1}, {"data_format", "channels_first"}}),
               Error);
  EXPECT_THROW(dropout->compute_output_shape({{3, 8}}), Error);
}

TEST(RandomCrop, InferenceCropsTheCentreAndResizes) {
  // 4 x 6 to 2 x 2: the centred 4 x 4 window (columns 1..4), then bilinear half-pixel, which
  // at scale 2 averages each 2 x 2 block.
  auto crop = RandomCrop(2, 2);
  Tensor x({1, 4, 6, 1});
  for (int64_t i = 0; i < 24; ++i) x[i] = static_cast<float>(i);
  Tensor y = crop->forward({x}, false);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 1}));
  // Block (rows 0-1, columns 1-2): (1 + 2 + 7 + 8) / 4 = 4.5.
  EXPECT_EQ(std::vector<float>(y.begin(), y.end()), (std::vector<float>{4.5f, 6.5f, 16.5f, 18.5f}));
  EXPECT_EQ(crop->compute_output_shape({{4, 6, 1}}), (Shape{2, 2, 1}));
  EXPECT_THROW(RandomCrop(0, 2), Error);
  EXPECT_EQ(RandomCropLayer::from_config(crop->get_config())->get_config(), crop->get_config());
}

TEST(RandomCrop, TrainingCropsOneWindowOfTheInput) {
  auto crop = RandomCrop(2, 3);
  Rng rng(9);
  crop->build({{4, 6, 1}}, rng);
  Tensor x({1, 4, 6, 1});
  for (int64_t i = 0; i < 24; ++i) x[i] = static_cast<float>(i);
  Tensor y = crop->forward({x}, true);
  // A window: consecutive columns, rows 6 apart.
  EXPECT_EQ(y[1], y[0] + 1);
  EXPECT_EQ(y[3], y[0] + 6);
  // The gradient goes back into the window; the rest of the input gets none.
  Tensor g({1, 2, 3, 1}, {1, 2, 3, 4, 5, 6});
  Tensor dx = crop->backward(g, true)[0];
  ASSERT_EQ(dx.shape(), x.shape());
  const int64_t corner = static_cast<int64_t>(y[0]);
  double total = 0;
  for (float v : dx) total += v;
  EXPECT_EQ(total, 21.0);
  EXPECT_EQ(dx[corner], 1.0f);
  EXPECT_EQ(dx[corner + 2], 3.0f);
  EXPECT_EQ(dx[corner + 6], 4.0f);
  // An inference forward that resizes cannot be trained through.
  crop->forward({x}, true);
  crop->forward({Tensor({1, 1, 6, 1})}, true);
  EXPECT_THROW(crop->backward(g, true), Error);
}

TEST(IdentityGradients, TrainingForwardsPassTheRightGradient) {
  for (const nlohmann::json& class_and_config : keras_configs) {
    SCOPED_TRACE(class_and_config["class_name"].get<std::string>());
    LayerPtr layer = layer_from_config(class_and_config);
    // The check compares a training backward with inference probes: the noise layers differ.
    if (layer->class_name() == "GaussianNoise" || layer->class_name() == "GaussianDropout") continue;
    EXPECT_EQ(check_layer_gradients(*layer, {{3, 2}}), 2 * 6);
  }
  auto dropout = Dropout(0.0);  // rate 0: the identity in training too
  check_layer_gradients(*dropout, {{3, 2}});
}

TEST(IdentityGradients, MultiplicativeNoiseScalesTheGradientAsTheInput) {
  for (LayerPtr layer : {LayerPtr(GaussianDropout(0.3)), LayerPtr(Dropout(0.5, {std::nullopt, 1, 1, std::nullopt})),
                         LayerPtr(SpatialDropout2D(0.5))}) {
    SCOPED_TRACE(layer->class_name());
    Rng rng(2);
    layer->build({{2, 2, 3}}, rng);
    const Tensor x = counting({2, 2, 2, 3});
    Tensor y = layer->forward({x}, true);
    Tensor dx = layer->backward(counting({2, 2, 2, 3}), true)[0];
    // y = x * noise and dL/dy = x here, so dL/dx = x * noise = y.
    for (int64_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(dx[i], y[i]) << i;
  }
}

}  // namespace
}  // namespace bottleneck
