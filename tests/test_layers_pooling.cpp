// AveragePooling2D, MaxPooling2D with TensorFlow's 'same' padding (padded cells never count:
// max sees -inf there, the mean divides by the real cells), global pooling with keepdims:
// forward values against PyTorch (tools/reference/pooling_merging_reshaping.py) or by hand,
// Keras configs, refused sizes and every backward pass.
#include <gtest/gtest.h>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"
#include "layer_test_values.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;
using testing::expect_values;
using testing::from_keras_config;
using testing::round_trip;
using testing::wavy;

const Pooling2DOptions same_3x3_stride_2{.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same"};

TEST(AveragePooling2D, SameDividesByTheCellsInsideTheMap) {
  auto pool = AveragePooling2D(same_3x3_stride_2);
  expect_values(pool->forward({wavy({1, 5, 4, 2})}, false), {1, 3, 2, 2},
                {
      0.2934342f, 0.3307633f, -0.00969357f, -0.3787667f, 0.01021648f, 0.2034509f, 0.440062f,
      0.1577196f, -0.2816776f, -0.09664229f, 0.5160944f, 0.5602623f});
  // By hand: the corner window of a constant map holds 4 real cells of 9 and still averages 1.
  Tensor ones({1, 3, 3, 1}, 1.0f);
  expect_values(AveragePooling2D({.pool_h = 2, .pool_w = 2, .stride_h = 2, .stride_w = 2, .padding = "same"})
                    ->forward({ones}, false),
                {1, 2, 2, 1}, {1, 1, 1, 1});
}

TEST(AveragePooling2D, Valid) {
  auto pool = AveragePooling2D({.pool_h = 2, .pool_w = 2, .stride_h = 1, .stride_w = 1});
  expect_values(pool->forward({wavy({1, 5, 4, 2})}, false), {1, 4, 3, 2},
                {
      0.2022339f, 0.5024818f, 0.5664046f, 0.3639385f, -0.00969357f, -0.3787667f, -0.1839669f,
      0.211283f, 0.5071632f, 0.5645167f, 0.3563691f, -0.01938441f, -0.4875909f, -0.1747541f,
      0.2202722f, 0.5117012f, 0.562469f, 0.3486989f, -0.5723508f, -0.4823496f, -0.1654919f,
      0.2291992f, 0.5160944f, 0.5602623f});
  EXPECT_EQ(AveragePooling2D()->compute_output_shape({{7, 5, 3}}), (Shape{3, 2, 3}));
}

TEST(MaxPooling2D, SameTreatsPaddedCellsAsMinusInfinity) {
  // Every value is below -1: a padded zero would win if padding counted.
  Tensor x = wavy({1, 5, 4, 2});
  for (float& v : x) v = -(std::abs(v) + 1.0f);
  expect_values(MaxPooling2D(same_3x3_stride_2)->forward({x}, false), {1, 3, 2, 2},
                {
      -1.0f, -1.013451f, -1.267991f, -1.255279f, -1.026898f, -1.013451f, -1.242495f, -1.229642f,
      -1.053766f, -1.040338f, -1.053766f, -1.229642f});
  auto rectangular = MaxPooling2D({.pool_h = 2, .pool_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same"});
  expect_values(rectangular->forward({wavy({1, 5, 4, 2})}, false), {1, 3, 2, 2},
                {
      0.7883598f, 0.7905346f, 0.6836791f, 0.2552787f, 0.7924859f, 0.7942131f, 0.7924859f,
      0.7942131f, 0.05376646f, 0.5553317f, 0.7957158f, 0.6618623f});
}

TEST(Pooling2D, KerasConfigsRoundTrip) {
  for (bool keras3 : {false, true})
    for (const char* class_name : {"AveragePooling2D", "MaxPooling2D"}) {
      SCOPED_TRACE(std::string(class_name) + (keras3 ? " Keras 3" : " Keras 2"));
      // syn_merge_pool's avgpool_same, and Keras 3's strides null (= the pool size).
      LayerPtr layer = from_keras_config(class_name,
                                         {{"name", "avgpool_same"},
                                          {"pool_size", {3, 3}},
                                          {"padding", "same"},
                                          {"strides", {2, 2}},
                                          {"data_format", "channels_last"}},
                                         keras3);
      EXPECT_EQ(layer->compute_output_shape({{15, 13, 8}}), (Shape{8, 7, 8}));
      round_trip(*layer);
      LayerPtr defaults =
          from_keras_config(class_name, {{"name", "pool"}, {"pool_size", 2}, {"strides", nullptr}}, keras3);
      EXPECT_EQ(defaults->get_config()["strides"], nlohmann::json({2, 2}));
      EXPECT_EQ(defaults->compute_output_shape({{5, 4, 1}}), (Shape{2, 2, 1}));
    }
}

TEST(Pooling2D, NonPositiveOrAbsurdSizesAreRefused) {
  EXPECT_THROW(AveragePooling2D({.pool_h = 0}), Error);
  EXPECT_THROW(MaxPooling2D({.pool_w = -2}), Error);
  EXPECT_THROW(AveragePooling2D({.pool_h = int64_t{1} << 40}), Error);
  EXPECT_THROW(AveragePooling2D({.stride_h = -1}), Error);
  auto config = [](nlohmann::json pool_size, nlohmann::json strides, std::string data_format = "channels_last") {
    return nlohmann::json{{"class_name", "AveragePooling2D"},
                          {"config", {{"name", "p"}, {"pool_size", pool_size}, {"strides", strides},
                                      {"data_format", data_format}}}};
  };
  EXPECT_THROW(layer_from_config(config({0, 2}, nullptr)), Error);
  EXPECT_THROW(layer_from_config(config(2, {0, 0})), Error);
  EXPECT_THROW(layer_from_config(config(2, nullptr, "channels_first")), Error);
  EXPECT_THROW(layer_from_config(config("two", nullptr)), Error);
}

TEST(GlobalPooling2D, KeepdimsGivesOneByOneMaps) {
  Tensor x({1, 2, 2, 2}, {1, -1, 2, -2, 3, -3, 6, -6});
  auto average = GlobalAveragePooling2D({.keepdims = true});
  expect_values(average->forward({x}, false), {1, 1, 1, 2}, {3, -3});
  EXPECT_EQ(average->compute_output_shape({{4, 4, 2}}), (Shape{1, 1, 2}));
  auto max = GlobalMaxPooling2D({.keepdims = true});
  expect_values(max->forward({x}, false), {1, 1, 1, 2}, {6, -1});
  expect_values(GlobalMaxPooling2D()->forward({x}, false), {1, 2}, {6, -1});
  for (bool keras3 : {false, true})
    for (const char* class_name : {"GlobalAveragePooling2D", "GlobalMaxPooling2D"})
      for (bool keepdims : {false, true}) {
        LayerPtr layer = from_keras_config(
            class_name, {{"name", "gap_keepdims"}, {"data_format", "channels_last"}, {"keepdims", keepdims}}, keras3);
        EXPECT_EQ(layer->compute_output_shape({{4, 4, 2}}), (keepdims ? Shape{1, 1, 2} : Shape{2}));
        round_trip(*layer);
      }
  // Keras 2 configs written before keepdims existed.
  EXPECT_EQ(layer_from_config({{"class_name", "GlobalAveragePooling2D"}, {"config", {{"name", "avg_pool"}}}})
                ->compute_output_shape({{4, 4, 2}}),
            (Shape{2}));
}

TEST(PoolingGradients, EveryLayer) {
  for (const char* padding : {"valid", "same"}) {
    SCOPED_TRACE(padding);
    auto average = AveragePooling2D({.pool_h = 3, .pool_w = 2, .stride_h = 2, .stride_w = 1, .padding = padding});
    EXPECT_EQ(check_layer_gradients(*average, {{7, 5, 2}}), 2 * 70);
    auto max = MaxPooling2D({.pool_h = 2, .pool_w = 3, .stride_h = 2, .stride_w = 2, .padding = padding});
    EXPECT_EQ(check_layer_gradients(*max, {{5, 6, 2}}), 2 * 60);
  }
  auto average = GlobalAveragePooling2D({.keepdims = true});
  EXPECT_EQ(check_layer_gradients(*average, {{3, 4, 5}}), 2 * 60);
  auto max = GlobalMaxPooling2D({.keepdims = true});
  EXPECT_EQ(check_layer_gradients(*max, {{3, 4, 5}}), 2 * 60);
}

}  // namespace
}  // namespace bottleneck
