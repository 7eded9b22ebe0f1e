// Add, Subtract, Multiply, Average, Maximum, Minimum: NumPy broadcasting (a (1, 1, C) gate over
// (H, W, C), as squeeze-excite does), forward values against PyTorch (tools/reference/
// pooling_merging_reshaping.py), Keras configs, refused shapes and every backward pass.
#include <gtest/gtest.h>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"
#include "layer_test_values.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;
using testing::expect_values;
using testing::wavy;

// The inputs of the reference script: a (2, 2, 3, 4) map, a per-channel gate and a per-row column.
Tensor feature_map() { return wavy({2, 2, 3, 4}); }
Tensor gate() { return wavy({2, 1, 1, 4}, 0.3f); }
Tensor row() { return wavy({2, 1, 3, 1}, 1.1f); }

TEST(Merging, AddSumsAndBroadcastsLikeNumPy) {
  auto add = Add();
  Tensor x({1, 2, 2}, {1, 2, 3, 4});
  Tensor y({1, 1, 2}, {10, 20});
  Tensor z({1, 2, 1}, {100, 200});
  expect_values(add->forward({x, y, z}, false), {1, 2, 2}, {111, 122, 213, 224});
  EXPECT_EQ(add->compute_output_shape({{3, 4, 5}, {1, 1, 5}}), (Shape{3, 4, 5}));
  EXPECT_EQ(add->compute_output_shape({{1, 4, 1}, {3, 1, 5}}), (Shape{3, 4, 5}));
}

TEST(Merging, MultiplyScalesAFeatureMapByAChannelGate) {
  auto multiply = Multiply();
  const std::vector<float> expected{
      0.0f, 0.3469379f, 0.6254309f, 0.3731623f, 0.06335729f, -0.1889113f, -0.5531591f, -0.4247108f,
      -0.1193933f, 0.009054982f, 0.4169667f, 0.4271816f, 0.1616328f, 0.1718477f, -0.2325916f,
      -0.3802893f, -0.1851947f, -0.3328924f, 0.02133939f, 0.2894526f, 0.1873565f, 0.4554697f,
      0.1923788f, -0.1651681f, -0.0236196f, 0.3820445f, 0.3783951f, -0.02850954f, 0.01814816f,
      -0.3887565f, -0.5234279f, -0.1623027f, -0.0105796f, 0.3505456f, 0.6079758f, 0.3343601f,
      0.001788516f, -0.2718273f, -0.6222689f, -0.4677803f, 0.007209243f, 0.1616979f, 0.5646555f,
      0.547146f, -0.01537393f, -0.03288348f, -0.4417932f, -0.5632861f};
  expect_values(multiply->forward({feature_map(), gate()}, false), {2, 2, 3, 4}, expected);
  expect_values(multiply->forward({gate(), feature_map()}, false), {2, 2, 3, 4}, expected);  // either order
}

TEST(Merging, SubtractBroadcastsBothOperands) {
  auto subtract = Subtract();
  expect_values(subtract->forward({row(), gate()}, false), {2, 1, 3, 4},
                {
      0.4765497f, 0.03978914f, -0.08036596f, 0.1725954f, 0.542662f, 0.1059014f, -0.01425374f,
      0.2387076f, 0.2423615f, -0.1943991f, -0.3145542f, -0.06159282f, -0.07996385f, 0.442787f,
      0.7353247f, 0.6600645f, -0.5834774f, -0.06072661f, 0.2318112f, 0.1565508f, -0.8282173f,
      -0.3054665f, -0.01292872f, -0.08818907f});
  EXPECT_THROW(subtract->compute_output_shape({{3}, {3}, {3}}), Error);
  EXPECT_THROW(subtract->forward({row()}, false), Error);
}

TEST(Merging, AverageDividesTheSumByTheInputCount) {
  auto average = Average();
  expect_values(average->forward({feature_map(), gate(), row()}, false), {2, 2, 3, 4},
                {
      0.3164607f, 0.633839f, 0.7648858f, 0.647968f, 0.4278283f, 0.3905427f, 0.2917165f, 0.1778288f,
      0.07006019f, 0.3884685f, 0.5992329f, 0.6032276f, 0.5443537f, 0.5471404f, 0.4043715f,
      0.1831933f, 0.07738403f, 0.3192484f, 0.5331028f, 0.6183681f, 0.5025599f, 0.6095173f,
      0.5048681f, 0.2378304f, -0.2411628f, -0.4388955f, -0.4375299f, -0.2377083f, 0.009540836f,
      -0.08182871f, -0.2209708f, -0.3424449f, -0.359911f, -0.666863f, -0.7848052f, -0.6582675f,
      0.01344389f, 0.006382028f, -0.01100253f, -0.03053358f, -0.1000746f, -0.4566804f, -0.6847603f,
      -0.6770446f, -0.4079534f, -0.4057532f, -0.3373471f, -0.2349077f});
}

TEST(Merging, MaximumAndMinimum) {
  auto maximum = Maximum();
  expect_values(maximum->forward({feature_map(), row()}, false), {2, 2, 3, 4},
                {
      0.7129659f, 0.7129659f, 0.7883598f, 0.7129659f, 0.7790781f, 0.7790781f, 0.7790781f,
      0.7790781f, 0.4787777f, 0.4787777f, 0.5255893f, 0.7905346f, 0.7129659f, 0.7129659f,
      0.7129659f, 0.7129659f, 0.7790781f, 0.7790781f, 0.7790781f, 0.7790781f, 0.7924859f,
      0.6765975f, 0.4787777f, 0.4787777f, -0.04669932f, -0.04669932f, -0.04669932f, 0.04033815f,
      0.5455709f, 0.7942131f, 0.6693245f, 0.2296421f, -0.3180445f, -0.7161499f, -0.7774388f,
      -0.473086f, 0.05376646f, 0.5553317f, 0.7957158f, 0.6618623f, 0.2167246f, -0.330342f,
      -0.5502129f, -0.5502129f, -0.462172f, 0.06717957f, 0.5649356f, 0.7969936f});
  auto minimum = Minimum();
  expect_values(minimum->forward({gate(), row()}, false), {2, 1, 3, 4},
                {
      0.2364162f, 0.6731768f, 0.7129659f, 0.5403705f, 0.2364162f, 0.6731768f, 0.7790781f,
      0.5403705f, 0.2364162f, 0.4787777f, 0.4787777f, 0.4787777f, -0.04669932f, -0.4894863f,
      -0.7820241f, -0.7067637f, -0.5502129f, -0.5502129f, -0.7820241f, -0.7067637f, -0.7949528f,
      -0.7949528f, -0.7949528f, -0.7949528f});
}

TEST(Merging, LowerRankInputsGainAxesAfterTheBatchAxis) {
  // Keras expands (batch, C) to (batch, 1, 1, C): each channel's value over the whole map.
  auto add = Add();
  EXPECT_EQ(add->compute_output_shape({{2, 3, 4}, {4}}), (Shape{2, 3, 4}));
  Tensor map({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor channels({1, 2}, {10, 20});
  expect_values(add->forward({map, channels}, true), {1, 1, 2, 2}, {11, 22, 13, 24});
  std::vector<Tensor> dx = add->backward(Tensor({1, 1, 2, 2}, {1, 2, 3, 4}), true);
  expect_values(dx[1], {1, 2}, {4, 6});
}

TEST(Merging, IncompatibleShapesAreRefused) {
  auto add = Add();
  EXPECT_THROW(add->compute_output_shape({{3, 4, 5}, {3, 2, 5}}), Error);
  EXPECT_THROW(add->compute_output_shape({{3, 4, 5}, {4}}), Error);
  EXPECT_THROW(add->forward({Tensor({2, 3, 4}), Tensor({2, 3, 2})}, false), Error);
  EXPECT_THROW(Multiply()->compute_output_shape({}), Error);
}

TEST(Merging, KerasConfigsRoundTrip) {
  for (bool keras3 : {false, true}) {
    for (const char* name : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}) {
      SCOPED_TRACE(std::string(name) + (keras3 ? " Keras 3" : " Keras 2"));
      LayerPtr layer = testing::from_keras_config(name, {{"name", "block1a_se_excite"}}, keras3);
      EXPECT_EQ(layer->class_name(), name);
      EXPECT_EQ(layer->name(), "block1a_se_excite");
      testing::round_trip(*layer);
    }
  }
}

TEST(Merging, MaximumAndMinimumSendTheGradientToTheFirstInputHoldingTheResult) {
  // Ties go to the earlier input, as TensorFlow's chained maximum/minimum gradient does.
  for (LayerPtr layer : {LayerPtr(Maximum()), LayerPtr(Minimum())}) {
    SCOPED_TRACE(layer->class_name());
    Tensor a({1, 3}, {1, 5, 2});
    Tensor b({1, 3}, {1, 5, 2});
    Tensor c({1, 1}, {3});
    layer->forward({a, b, c}, true);
    std::vector<Tensor> dx = layer->backward(Tensor({1, 3}, {1, 10, 100}), true);
    const bool max = layer->class_name() == "Maximum";
    expect_values(dx[0], {1, 3}, max ? std::vector<float>{0, 10, 0} : std::vector<float>{1, 0, 100});
    expect_values(dx[1], {1, 3}, {0, 0, 0});
    expect_values(dx[2], {1, 1}, {max ? 101.0f : 10.0f});
  }
}

TEST(MergingGradients, EveryMergeWithBroadcasting) {
  const std::vector<std::vector<Shape>> cases{
      {{3, 4, 2}, {3, 4, 2}}, {{3, 4, 2}, {1, 1, 2}}, {{1, 4, 1}, {3, 1, 2}}, {{3, 4, 2}, {2}}};
  for (LayerPtr layer : {LayerPtr(Add()), LayerPtr(Subtract()), LayerPtr(Multiply()), LayerPtr(Average()),
                         LayerPtr(Maximum()), LayerPtr(Minimum())}) {
    for (const std::vector<Shape>& shapes : cases) {
      SCOPED_TRACE(layer->class_name() + " " + shape_to_string(shapes[0]) + " " + shape_to_string(shapes[1]));
      int64_t expected = 0;
      for (const Shape& s : shapes) expected += 2 * shape_size(s);
      // Seed 2 draws no two inputs within the finite differences' step of each other, where
      // Maximum's and Minimum's gradient jumps.
      EXPECT_EQ(check_layer_gradients(*layer, shapes, {.seed = 2}), expected);
    }
  }
}

TEST(MergingGradients, ThreeInputs) {
  const std::vector<Shape> shapes{{2, 3, 4}, {1, 1, 4}, {2, 3, 1}};
  for (LayerPtr layer : {LayerPtr(Add()), LayerPtr(Multiply()), LayerPtr(Average()), LayerPtr(Maximum()),
                         LayerPtr(Minimum())}) {
    SCOPED_TRACE(layer->class_name());
    EXPECT_EQ(check_layer_gradients(*layer, shapes), 2 * (24 + 4 + 6));
  }
}

}  // namespace
}  // namespace bottleneck
