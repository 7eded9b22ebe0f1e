// Every layer with a backward pass through the test support's numerical gradient check
// (dlib's test_layer pattern): no fixture needed, one test per layer class.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;

TEST(LayerGradients, Dense) {
  for (const char* activation : {"linear", "relu", "sigmoid", "tanh", "softmax"}) {
    SCOPED_TRACE(activation);
    auto dense = Dense(4, activation);
    EXPECT_EQ(check_layer_gradients(*dense, {{5}}), 2 * 5 + 5 * 4 + 4);
  }
}

TEST(LayerGradients, Activation) {
  for (const char* activation : {"relu", "sigmoid", "tanh", "softmax"}) {
    SCOPED_TRACE(activation);
    auto layer = Activation(activation);
    EXPECT_EQ(check_layer_gradients(*layer, {{2, 3, 4}}), 2 * 24);
  }
}

TEST(LayerGradients, Flatten) {
  auto flatten = Flatten();
  EXPECT_EQ(check_layer_gradients(*flatten, {{3, 2, 4}}), 2 * 24);
}

TEST(LayerGradients, Conv2D) {
  for (const char* padding : {"valid", "same"}) {
    SCOPED_TRACE(padding);
    auto strided = Conv2D(3, {.kernel_h = 3, .kernel_w = 2, .stride_h = 2, .stride_w = 1, .padding = padding});
    check_layer_gradients(*strided, {{6, 5, 2}});
    auto relu = Conv2D(2, {.kernel_h = 1, .kernel_w = 1, .activation = "relu"});
    check_layer_gradients(*relu, {{4, 4, 3}});
  }
  auto no_bias = Conv2D(2, {.use_bias = false});
  check_layer_gradients(*no_bias, {{5, 5, 2}});
  EXPECT_EQ(no_bias->parameters().size(), 1u);
}

TEST(LayerGradients, MaxPooling2D) {
  auto pool = MaxPooling2D();
  check_layer_gradients(*pool, {{4, 6, 3}});
  auto overlapping = MaxPooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same"});
  check_layer_gradients(*overlapping, {{7, 6, 2}});
}

TEST(LayerGradients, GlobalPooling) {
  auto average = GlobalAveragePooling2D();
  check_layer_gradients(*average, {{3, 4, 5}});
  auto max = GlobalMaxPooling2D();
  check_layer_gradients(*max, {{3, 4, 5}});
}

TEST(LayerGradients, Concatenate) {
  auto concatenate = Concatenate();
  EXPECT_EQ(check_layer_gradients(*concatenate, {{2, 3, 2}, {2, 3, 4}}), 2 * (12 + 24));
}

// The check itself must catch a wrong backward: a layer whose gradient is off by a factor.
class WrongGradientLayer : public Layer {
public:
  WrongGradientLayer() : Layer("wrong") { built_ = true; }
  std::string class_name() const override { return "Wrong"; }
  Shape compute_output_shape(const std::vector<Shape>& in) const override { return in.at(0); }
  Tensor forward(const std::vector<Tensor>& inputs, bool) override {
    Tensor y = inputs.at(0).clone();
    for (float& v : y) v *= 3.0f;
    return y;
  }
  std::vector<Tensor> backward(const Tensor& g, bool) override {
    Tensor dx = g.clone();
    for (float& v : dx) v *= 2.0f;  // should be 3
    return {dx};
  }
};

TEST(LayerGradients, TheCheckCatchesAWrongBackward) {
  WrongGradientLayer wrong;
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    check_layer_gradients(wrong, {{4}});
  }
  ASSERT_EQ(failures.size(), 8);  // every value of the batch of two
  EXPECT_NE(std::string(failures.GetTestPartResult(0).message()).find("wrong input 0 value 0"), std::string::npos);
}

}  // namespace
}  // namespace bottleneck
