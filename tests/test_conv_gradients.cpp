// The backward passes fine-tuning needs, against PyTorch autograd (fixtures/training/
// conv_grads): x(2,10,12,3) -> Conv2D(4,3x3,same,relu) -> MaxPool 2x2 -> Conv2D(5,3x3,same,
// relu) -> MaxPool 2x2 -> Flatten -> Dense(1, sigmoid), binary cross-entropy.
#include <gtest/gtest.h>

#include <cmath>

#include "bottleneck/layers.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/training/losses.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

TEST(ConvGradients, MatchPyTorchAutograd) {
  BOTTLENECK_REQUIRE_SHARED();
  auto dir = testing::shared_dir() / "fixtures/training/conv_grads";
  auto npy = [&](const std::string& name) { return load_npy((dir / (name + ".npy")).string()); };

  auto conv1 = Conv2D(4, {.padding = "same", .activation = "relu", .name = "conv1"});
  auto pool1 = MaxPooling2D();
  auto conv2 = Conv2D(5, {.padding = "same", .activation = "relu", .name = "conv2"});
  auto pool2 = MaxPooling2D();
  auto flatten = Flatten();
  auto dense = Dense(1, "sigmoid");
  std::vector<LayerPtr> chain{conv1, pool1, conv2, pool2, flatten, dense};

  Tensor x = npy("x");
  Rng rng(0);
  Shape shape(x.shape().begin() + 1, x.shape().end());
  for (const LayerPtr& layer : chain) {
    layer->build({shape}, rng);
    shape = layer->compute_output_shape({shape});
  }
  conv1->kernel().value = npy("conv1_kernel");
  conv1->bias().value = npy("conv1_bias");
  conv2->kernel().value = npy("conv2_kernel");
  conv2->bias().value = npy("conv2_bias");
  dense->kernel().value = npy("dense_kernel");
  dense->bias().value = npy("dense_bias");

  Tensor activation = x;
  for (const LayerPtr& layer : chain) activation = layer->forward({activation}, true);
  Tensor gradient(activation.shape());
  double loss = get_loss("binary_crossentropy")->compute(npy("y"), activation, &gradient);
  EXPECT_NEAR(loss, 3.4314725399017334, 1e-4 * 3.43);

  for (auto it = chain.rbegin(); it != chain.rend(); ++it) gradient = (*it)->backward(gradient, true).at(0);

  EXPECT_LE(testing::max_relative_error(gradient, npy("x_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(conv1->kernel().gradient, npy("conv1_kernel_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(conv1->bias().gradient, npy("conv1_bias_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(conv2->kernel().gradient, npy("conv2_kernel_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(conv2->bias().gradient, npy("conv2_bias_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(dense->kernel().gradient, npy("dense_kernel_grad")), 1e-4);
  EXPECT_LE(testing::max_relative_error(dense->bias().gradient, npy("dense_bias_grad")), 1e-4);
}

// Global pooling and Concatenate backward against finite differences of their forward.
TEST(ConvGradients, GlobalPoolingAndConcatenateBackward) {
  Rng rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  Tensor a({2, 3, 4, 2}), b({2, 3, 4, 3});
  for (float& v : a) v = u(rng);
  for (float& v : b) v = u(rng);
  auto concat = Concatenate();
  auto pool = GlobalAveragePooling2D();
  Tensor joined = concat->forward({a, b}, true);
  ASSERT_EQ(joined.shape(), (Shape{2, 3, 4, 5}));
  Tensor pooled = pool->forward({joined}, true);
  ASSERT_EQ(pooled.shape(), (Shape{2, 5}));
  Tensor upstream(pooled.shape());
  for (int64_t i = 0; i < upstream.size(); ++i) upstream[i] = float(i + 1);
  Tensor g = pool->backward(upstream, true).at(0);
  std::vector<Tensor> parts = concat->backward(g, true);
  ASSERT_EQ(parts.size(), 2u);
  // d(mean over 12 pixels)/dx = upstream / 12 for every pixel of that channel.
  EXPECT_FLOAT_EQ(parts[0][0], 1.0f / 12);
  EXPECT_FLOAT_EQ(parts[0][1], 2.0f / 12);
  EXPECT_FLOAT_EQ(parts[1][0], 3.0f / 12);
  EXPECT_FLOAT_EQ(parts[1][2 * 3 * 4 * 3 - 1], 10.0f / 12);
  auto max_pool = GlobalMaxPooling2D();
  Tensor m = max_pool->forward({a}, true);
  Tensor gm = max_pool->backward(Tensor(m.shape(), 1.0f), true).at(0);
  float total = 0;
  for (float v : gm) total += v;
  EXPECT_FLOAT_EQ(total, 4.0f);  // one winner per (sample, channel)
}

}  // namespace
}  // namespace bottleneck
