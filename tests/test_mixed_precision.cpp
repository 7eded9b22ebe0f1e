// Keras' dtype policies: names and dtypes, the global policy taken by layers made after it, a
// model's policy on all its layers; under mixed_bfloat16, convolutions computed in bfloat16
// (forward and backward) within a percent of float32. And Trainer::ConstantWeights: what
// layers derive from their weights is kept across the batches of one hold only.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/mixed_precision.hpp"
#include "bottleneck/model.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

// Restores float32 as the global policy however the test ends.
struct GlobalPolicyGuard {
  ~GlobalPolicyGuard() { mixed_precision::set_global_policy("float32"); }
};

void randomize(Tensor& t, std::mt19937& random, float low, float high) {
  std::uniform_real_distribution<float> uniform(low, high);
  for (float& v : t) v = uniform(random);
}


// A convolution with a BatchNormalization and ReLU after it (one fused chain at inference), a
// convolution with its own relu, a strided one, pooled to a small classifier.
std::unique_ptr<Model> small_network(uint64_t seed) {
  auto input = Input({12, 10, 5});
  auto bn = BatchNormalization();
  SymbolicTensor x = ReLU()(bn(Conv2D(16, {.padding = "same", .use_bias = false})(input)));
  x = Conv2D(12, {.padding = "same", .activation = "relu"})(x);
  x = Conv2D(8, {.stride_h = 2, .stride_w = 2})(x);
  auto model = std::make_unique<Model>(input, Dense(3, "softmax")(GlobalAveragePooling2D()(x)), "small", seed);
  std::mt19937 random(seed);
  randomize(bn->moving_mean().value, random, -0.3f, 0.3f);
  randomize(bn->moving_variance().value, random, 0.5f, 2.0f);
  randomize(bn->gamma().value, random, 0.5f, 1.5f);
  return model;
}

Tensor random_images(int64_t count, uint32_t seed) {
  std::mt19937 random(seed);
  Tensor x({count, 12, 10, 5});
  randomize(x, random, -1.0f, 1.0f);
  return x;
}

TEST(DTypePolicy, KerasNamesAndDtypes) {
  const DTypePolicy float32;
  EXPECT_EQ(float32.name(), "float32");
  EXPECT_EQ(float32.compute_dtype(), "float32");
  EXPECT_EQ(float32.variable_dtype(), "float32");
  EXPECT_FALSE(float32.computes_in_bfloat16());
  try {
    DTypePolicy("mixed_float16");
    FAIL() << "mixed_float16 has no CPU kernels here and must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("float32 or mixed_bfloat16"), std::string::npos) << e.what();
  }
  if (!testing::bfloat16_available()) {
    EXPECT_THROW(DTypePolicy("mixed_bfloat16"), Error) << "no AVX-512: refused, naming the ISA";
    return;
  }
  const DTypePolicy mixed("mixed_bfloat16");
  EXPECT_EQ(mixed.compute_dtype(), "bfloat16");
  EXPECT_EQ(mixed.variable_dtype(), "float32");
  EXPECT_TRUE(mixed.computes_in_bfloat16());
}

TEST(DTypePolicy, GlobalPolicyAppliesToLayersMadeAfterIt) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  GlobalPolicyGuard restore;
  auto before = Conv2D(4);
  mixed_precision::set_global_policy("mixed_bfloat16");
  EXPECT_EQ(mixed_precision::global_policy().name(), "mixed_bfloat16");
  auto during = Conv2D(4);
  mixed_precision::set_global_policy("float32");
  auto after = Conv2D(4);
  EXPECT_EQ(before->dtype_policy().name(), "float32");
  EXPECT_EQ(during->dtype_policy().name(), "mixed_bfloat16");
  EXPECT_EQ(after->dtype_policy().name(), "float32");
}

TEST(DTypePolicy, AModelSetsItOnEveryLayerNestedModelsIncluded) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  auto inner_input = Input({8, 8, 3});
  auto inner = std::make_shared<Model>(inner_input, Conv2D(4)(inner_input), "inner");
  auto input = Input({8, 8, 3});
  auto dense = Dense(2);
  // The inner model as one layer of the outer (as Keras files nest them).
  Model outer(input, dense(Flatten()(call_layer(inner, {input}))), "outer");
  outer.set_dtype_policy(DTypePolicy("mixed_bfloat16"));
  EXPECT_EQ(outer.dtype_policy().name(), "mixed_bfloat16");
  EXPECT_EQ(inner->dtype_policy().name(), "mixed_bfloat16");
  EXPECT_EQ(dense->dtype_policy().name(), "mixed_bfloat16");
  for (const LayerPtr& layer : inner->layers()) EXPECT_EQ(layer->dtype_policy().name(), "mixed_bfloat16") << layer->name();
}

TEST(MixedBfloat16, ConvolutionsComputeInBfloat16WithinOnePercentOfFloat32) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  auto model = small_network(3);
  const Tensor x = random_images(4, 11);
  const Tensor exact = model->predict(x);
  model->set_dtype_policy(DTypePolicy("mixed_bfloat16"));
  const Tensor mixed = model->predict(x);
  const double error = testing::relative_rms_error(mixed, exact);
  RecordProperty("relative_rms_error", std::to_string(error));
  EXPECT_LT(error, 1e-2);
  EXPECT_GT(error, 1e-6) << "bfloat16 rounds the products' inputs: identical outputs mean float32 ran";
  model->set_dtype_policy(DTypePolicy("float32"));
  EXPECT_EQ(testing::relative_rms_error(model->predict(x), exact), 0.0) << "back to float32";
}

TEST(MixedBfloat16, FeatureMapsBetweenConvolutionsPoolingsAndResidualsStayWithinOnePercent) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  // Feature maps stay bfloat16 from convolution to convolution, through a pooling and into a
  // residual sum; what Flatten and the model's output read is float32.
  auto input = Input({12, 12, 16});
  SymbolicTensor a = Conv2D(32, {.padding = "same", .activation = "relu"})(input);
  SymbolicTensor pooled = MaxPooling2D()(Conv2D(32, {.padding = "same", .activation = "relu"})(a));
  SymbolicTensor block = ReLU()(Add()({Conv2D(32, {.padding = "same"})(pooled), pooled}));
  SymbolicTensor head = Dense(4)(Flatten()(block));
  Model model(input, head, "residual", 8);
  const Tensor x = [] {
    std::mt19937 random(3);
    Tensor t({2, 12, 12, 16});
    randomize(t, random, -1.0f, 1.0f);
    return t;
  }();
  const Tensor exact = model.predict(x);
  model.set_dtype_policy(DTypePolicy("mixed_bfloat16"));
  const double error = testing::relative_rms_error(model.predict(x), exact);
  RecordProperty("relative_rms_error", std::to_string(error));
  EXPECT_LT(error, 1e-2);
  EXPECT_GT(error, 1e-6);
}

TEST(MixedBfloat16, ConvolutionsOfFewInputChannelsStayFloat32) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  // An image's 3 channels and a depthwise kernel's 1 per group: memory-bound, float32 whatever
  // the policy; 16 channels and more multiply in bfloat16.
  for (const int64_t channels : {3, 16}) {
    auto input = Input({10, 10, channels});
    Model model(input, DepthwiseConv2D({.padding = "same"})(Conv2D(8, {.padding = "same"})(input)), "few", 4);
    std::mt19937 random(2);
    Tensor x({2, 10, 10, channels});
    randomize(x, random, -1.0f, 1.0f);
    const Tensor exact = model.predict(x);
    model.set_dtype_policy(DTypePolicy("mixed_bfloat16"));
    const double error = testing::relative_rms_error(model.predict(x), exact);
    if (channels == 3) EXPECT_EQ(error, 0.0) << "3 input channels, then 1 per depthwise group: both float32";
    else EXPECT_GT(error, 1e-6) << "16 input channels: bfloat16";
  }
}

TEST(MixedBfloat16, TrainingStepsFollowFloat32) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  // The same network and batch, one SGD step each way: the weights' changes agree.
  auto exact = small_network(5), mixed = small_network(5);
  mixed->set_dtype_policy(DTypePolicy("mixed_bfloat16"));
  const Tensor x = random_images(6, 17);
  Tensor y({6, 3});
  for (int64_t i = 0; i < 6; ++i) y[i * 3 + i % 3] = 1.0f;
  const std::vector<Tensor> start = exact->get_weights();
  for (Model* model : {exact.get(), mixed.get()}) {
    model->compile(SGD({.lr = 0.5f}), "categorical_crossentropy", {"accuracy"});
    model->train_on_batch(x, y);
  }
  const std::vector<Tensor> after_exact = exact->get_weights(), after_mixed = mixed->get_weights();
  double worst = 0.0;
  bool differs = false;
  for (size_t w = 0; w < start.size(); ++w) {
    Tensor step_exact(start[w].shape()), step_mixed(start[w].shape());
    for (int64_t i = 0; i < start[w].size(); ++i) {
      step_exact[i] = after_exact[w][i] - start[w][i];
      step_mixed[i] = after_mixed[w][i] - start[w][i];
      differs = differs || step_exact[i] != step_mixed[i];
    }
    double reference = 0.0;
    for (float v : step_exact) reference += static_cast<double>(v) * v;
    if (reference == 0.0) continue;  // moving statistics and the like: not stepped by SGD
    worst = std::max(worst, testing::relative_rms_error(step_mixed, step_exact));
  }
  RecordProperty("worst_relative_rms_error_of_a_step", std::to_string(worst));
  // bfloat16 keeps 8 bits of mantissa: the first kernel's step, through three convolutions
  // and a normalization on batch statistics (differences of near means), agreed to 6.8% here.
  EXPECT_LT(worst, 0.1);
  EXPECT_TRUE(differs) << "the bfloat16 backward must differ from float32 somewhere";
}

TEST(ConstantWeights, WhatLayersKeepFollowsTheWeightsFromOneHoldToTheNext) {
  auto model = small_network(9), reference = small_network(9);
  const Tensor x = random_images(3, 5);
  Tensor first;
  {
    Model::ConstantWeights hold(*model);
    first = model->predict(x, 1);  // three batches under one hold
    EXPECT_EQ(testing::relative_rms_error(model->predict(x, 3), first), 0.0) << "kept kernels give the same results";
  }
  // New weights between holds (BatchNormalization's too: it is folded into the kernel).
  std::vector<Tensor> weights = model->get_weights();
  for (Tensor& w : weights)
    for (float& v : w) v *= 1.25f;
  model->set_weights(weights);
  reference->set_weights(weights);
  const Tensor second = model->predict(x, 1);
  EXPECT_GT(testing::relative_rms_error(second, first), 1e-3) << "the new weights change the outputs";
  EXPECT_EQ(testing::relative_rms_error(second, reference->predict(x, 1)), 0.0)
      << "a hold after the weights changed must not use what was derived before";
}

}  // namespace
}  // namespace bottleneck
