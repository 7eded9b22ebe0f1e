// ZeroPadding2D, Cropping2D, Reshape, Permute, Flatten and Concatenate on any axis: forward
// values (by hand, or PyTorch through tools/reference/pooling_merging_reshaping.py), Keras 2 and
// Keras 3 configs as the fixtures hold them, refused configs and every backward pass.
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

TEST(ZeroPadding2D, PadsEachBorderWithZeros) {
  auto pad = ZeroPadding2D({{1, 0}, {0, 2}});
  Tensor x({1, 2, 2, 1}, {1, 2, 3, 4});
  expect_values(pad->forward({x}, false), {1, 3, 4, 1}, {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0});
  EXPECT_EQ(pad->compute_output_shape({{5, 6, 3}}), (Shape{6, 8, 3}));
  EXPECT_EQ(ZeroPadding2D()->sides(), Sides2D({1, 1}, {1, 1}));
  EXPECT_EQ(ZeroPadding2D({2, 3})->sides(), Sides2D({2, 2}, {3, 3}));
  EXPECT_THROW(ZeroPadding2D({{1, -1}, {0, 0}}), Error);
}

TEST(ZeroPadding2D, ReadsTheThreeKerasSpellings) {
  for (bool keras3 : {false, true}) {
    SCOPED_TRACE(keras3 ? "Keras 3" : "Keras 2");
    auto sides = [&](nlohmann::json padding) {
      LayerPtr layer = from_keras_config(
          "ZeroPadding2D", {{"name", "conv1_pad"}, {"padding", padding}, {"data_format", "channels_last"}}, keras3);
      round_trip(*layer);
      return dynamic_cast<ZeroPadding2DLayer&>(*layer).sides();
    };
    EXPECT_EQ(sides(3), Sides2D({3, 3}, {3, 3}));
    EXPECT_EQ(sides({1, 2}), Sides2D({1, 1}, {2, 2}));
    EXPECT_EQ(sides({{1, 2}, {0, 3}}), Sides2D({1, 2}, {0, 3}));  // syn_convs' pad_asym
    EXPECT_THROW(sides(-1), Error);
    EXPECT_THROW(sides({{1, 2}, {0, -3}}), Error);
    EXPECT_THROW(sides({1, 2, 3}), Error);
  }
  EXPECT_THROW(layer_from_config({{"class_name", "ZeroPadding2D"},
                                  {"config", {{"name", "p"}, {"padding", 1}, {"data_format", "channels_first"}}}}),
               Error);
}

TEST(Cropping2D, RemovesRowsAndColumnsAndRefusesCroppingEverything) {
  auto crop = Cropping2D({{1, 0}, {2, 1}});  // syn_convs' crop_asym
  Tensor x = wavy({2, 3, 5, 2});
  Tensor y = crop->forward({x}, false);
  ASSERT_EQ(y.shape(), (Shape{2, 2, 2, 2}));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t w = 0; w < 2; ++w)
        for (int64_t c = 0; c < 2; ++c)
          EXPECT_EQ(y[((n * 2 + h) * 2 + w) * 2 + c], x[((n * 3 + h + 1) * 5 + w + 2) * 2 + c]);
  EXPECT_THROW(crop->compute_output_shape({{1, 5, 2}}), Error);
  EXPECT_THROW(crop->compute_output_shape({{3, 3, 2}}), Error);
  EXPECT_THROW(crop->forward({wavy({1, 3, 3, 2})}, false), Error);
  EXPECT_THROW(Cropping2D(-1), Error);
  for (bool keras3 : {false, true}) {
    LayerPtr layer = from_keras_config(
        "Cropping2D", {{"name", "crop_asym"}, {"cropping", {{1, 0}, {2, 1}}}, {"data_format", "channels_last"}}, keras3);
    EXPECT_EQ(dynamic_cast<Cropping2DLayer&>(*layer).sides(), Sides2D({1, 0}, {2, 1}));
    round_trip(*layer);
  }
}

TEST(Reshape, InfersOneAxisAndRefusesSizesThatDoNotFit) {
  auto reshape = Reshape({1, 1, -1});
  Tensor x = wavy({2, 6});
  Tensor y = reshape->forward({x}, false);
  EXPECT_EQ(y.shape(), (Shape{2, 1, 1, 6}));
  EXPECT_EQ(y.data(), x.data());
  EXPECT_EQ(Reshape({3, 2})->compute_output_shape({{6}}), (Shape{3, 2}));
  EXPECT_THROW(Reshape({4, -1})->compute_output_shape({{6}}), Error);
  EXPECT_THROW(Reshape({4})->compute_output_shape({{6}}), Error);
  EXPECT_THROW(Reshape({4})->forward({wavy({2, 6})}, false), Error);
  EXPECT_THROW(Reshape({-1, -1}), Error);
  EXPECT_THROW(Reshape({0, 6}), Error);
  EXPECT_THROW(Reshape({-2, 3}), Error);
  for (bool keras3 : {false, true}) {
    LayerPtr layer = from_keras_config("Reshape", {{"name", "block2a_se_reshape"}, {"target_shape", {1, 1, 8}}}, keras3);
    EXPECT_EQ(layer->compute_output_shape({{8}}), (Shape{1, 1, 8}));
    round_trip(*layer);
  }
}

TEST(Permute, ReordersAxesNumberedFromOne) {
  auto permute = Permute({3, 1, 2});
  EXPECT_EQ(permute->compute_output_shape({{2, 3, 4}}), (Shape{4, 2, 3}));
  expect_values(permute->forward({wavy({2, 2, 3, 4})}, false), {2, 4, 2, 3},
                {
      0.0f, 0.2679905f, -0.5050133f, 0.6836791f, -0.7833422f, 0.7924859f, 0.5153741f, -0.2806266f,
      0.01345112f, 0.2552787f, -0.4945097f, 0.6765975f, 0.7883598f, -0.6972606f, 0.5255893f,
      -0.2931833f, 0.02689844f, 0.2424947f, 0.6905675f, -0.7859621f, 0.7905346f, -0.7037566f,
      0.5356558f, -0.3056571f, -0.7100536f, 0.5455709f, -0.3180445f, 0.05376646f, 0.2167246f,
      -0.462172f, -0.7805008f, 0.7942131f, -0.7161499f, 0.5553317f, -0.330342f, 0.06717957f,
      -0.4838662f, 0.6693245f, -0.7774388f, 0.7957158f, -0.7220437f, 0.5649356f, 0.04033815f,
      0.2296421f, -0.473086f, 0.6618623f, -0.7741569f, 0.7969936f});
  EXPECT_THROW(Permute({1, 1}), Error);
  EXPECT_THROW(Permute({0, 1}), Error);
  EXPECT_THROW(Permute({1, 3}), Error);
  EXPECT_THROW(permute->compute_output_shape({{2, 3}}), Error);
  for (bool keras3 : {false, true}) round_trip(*from_keras_config("Permute", {{"name", "p"}, {"dims", {2, 1}}}, keras3));
}

TEST(Concatenate, JoinsOnAnyAxisButTheBatchAxis) {
  auto rows = Concatenate(2);
  expect_values(rows->forward({wavy({2, 2, 3, 4}), wavy({2, 2, 1, 4}, 0.5f)}, false), {2, 2, 4, 4},
                {
      0.0f, 0.5153741f, 0.7883598f, 0.6905675f, 0.2679905f, -0.2806266f, -0.6972606f, -0.7859621f,
      -0.5050133f, 0.01345112f, 0.5255893f, 0.7905346f, 0.3835404f, 0.7456313f, 0.7570401f,
      0.4124011f, 0.6836791f, 0.2552787f, -0.2931833f, -0.7037566f, -0.7833422f, -0.4945097f,
      0.02689844f, 0.5356558f, 0.7924859f, 0.6765975f, 0.2424947f, -0.3056571f, -0.1261965f,
      -0.605442f, -0.7999386f, -0.6182116f, -0.7100536f, -0.7805008f, -0.4838662f, 0.04033815f,
      0.5455709f, 0.7942131f, 0.6693245f, 0.2296421f, -0.3180445f, -0.7161499f, -0.7774388f,
      -0.473086f, -0.14573f, 0.3952907f, 0.7504f, 0.7525845f, 0.05376646f, 0.5553317f, 0.7957158f,
      0.6618623f, 0.2167246f, -0.330342f, -0.7220437f, -0.7741569f, -0.462172f, 0.06717957f,
      0.5649356f, 0.7969936f, 0.4008167f, -0.1394614f, -0.6141487f, -0.7999921f});
  EXPECT_EQ(rows->compute_output_shape({{2, 3, 4}, {2, 1, 4}}), (Shape{2, 4, 4}));
  EXPECT_EQ(Concatenate(-3)->compute_output_shape({{2, 3, 4}, {5, 3, 4}}), (Shape{7, 3, 4}));
  EXPECT_EQ(Concatenate()->compute_output_shape({{2, 3, 4}, {2, 3, 1}}), (Shape{2, 3, 5}));
  EXPECT_THROW(rows->compute_output_shape({{2, 3, 4}, {2, 1, 5}}), Error);
  EXPECT_THROW(Concatenate(0)->compute_output_shape({{2, 3}, {2, 3}}), Error);
  EXPECT_THROW(Concatenate(-4)->compute_output_shape({{2, 3}, {2, 3}}), Error);
  EXPECT_THROW(Concatenate(3)->compute_output_shape({{2, 3}, {2, 3}}), Error);
  EXPECT_THROW(Concatenate(3)->forward({wavy({1, 2, 3}), wavy({1, 2, 3})}, false), Error);
  for (bool keras3 : {false, true})
    for (int axis : {3, -1, 1}) {
      LayerPtr layer = from_keras_config("Concatenate", {{"name", "cat_pools"}, {"axis", axis}}, keras3);
      EXPECT_EQ(layer->get_config()["axis"], axis);
      round_trip(*layer);
    }
}

TEST(ReshapingGradients, EveryLayer) {
  auto pad = ZeroPadding2D({{1, 2}, {0, 3}});
  EXPECT_EQ(check_layer_gradients(*pad, {{3, 2, 2}}), 2 * 12);
  auto crop = Cropping2D({{1, 0}, {2, 1}});
  EXPECT_EQ(check_layer_gradients(*crop, {{4, 5, 2}}), 2 * 40);
  auto reshape = Reshape({-1, 2});
  EXPECT_EQ(check_layer_gradients(*reshape, {{3, 2, 2}}), 2 * 12);
  auto permute = Permute({3, 1, 2});
  EXPECT_EQ(check_layer_gradients(*permute, {{2, 3, 4}}), 2 * 24);
  auto swap = Permute({2, 1});
  EXPECT_EQ(check_layer_gradients(*swap, {{3, 5}}), 2 * 15);
  auto flatten = Flatten();
  EXPECT_EQ(check_layer_gradients(*flatten, {{3, 2, 4}}), 2 * 24);
  for (int axis : {1, 2, -1}) {
    SCOPED_TRACE(axis);
    auto concatenate = Concatenate(axis);
    Shape a{2, 3, 2}, b{2, 3, 2};
    b[axis > 0 ? axis - 1 : axis + 3] = 1;
    EXPECT_EQ(check_layer_gradients(*concatenate, {a, b, a}), 2 * (12 + shape_size(b) + 12));
  }
}

}  // namespace
}  // namespace bottleneck
