// Dense, Activation, Dropout, Flatten: forward values and Keras' rules (their backward passes
// are in test_layer_gradients.cpp); the losses' gradients against finite differences;
// accuracy as Keras computes it.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/training/losses.hpp"
#include "bottleneck/training/metrics.hpp"

namespace bottleneck {
namespace {

Tensor wavy(Shape shape, float phase = 0.0f) {
  Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t[i] = 0.8f * std::sin(0.7f * static_cast<float>(i) + phase);
  return t;
}

TEST(Dense, ForwardIsMatrixProductPlusBiasThenActivation) {
  clear_session();
  DenseLayer dense(2, ActivationKind::relu, true, "d");
  Rng rng(1);
  dense.build({{3}}, rng);
  dense.kernel().value = Tensor({3, 2}, {1, -1, 2, 0.5f, -3, 1});
  dense.bias().value = Tensor({2}, {0.5f, -0.25f});
  Tensor y = dense.forward({Tensor({2, 3}, {1, 2, 3, -1, 0, 1})}, false);
  // Row 0: (1 + 4 - 9 + 0.5, -1 + 1 + 3 - 0.25) = (-3.5, 2.75) -> relu (0, 2.75).
  // Row 1: (-1 + 0 - 3 + 0.5, 1 + 0 + 1 - 0.25) = (-3.5, 1.75) -> relu (0, 1.75).
  EXPECT_EQ(std::vector<float>(y.begin(), y.end()), (std::vector<float>{0, 2.75f, 0, 1.75f}));
  EXPECT_EQ(dense.compute_output_shape({{3}}), (Shape{2}));
  EXPECT_THROW(dense.forward({Tensor({2, 4})}, false), Error);
}

TEST(Dense, GradientsAccumulateAndFrozenLayersKeepNone) {
  clear_session();
  DenseLayer dense(2, ActivationKind::linear, true, "d");
  Rng rng(3);
  dense.build({{3}}, rng);
  Tensor x = wavy({4, 3});
  Tensor g = wavy({4, 2}, 0.5f);
  dense.forward({x}, true);
  dense.backward(g, false);
  Tensor once = dense.kernel().gradient.clone();
  dense.forward({x}, true);
  dense.backward(g, false);
  for (int64_t i = 0; i < once.size(); ++i) EXPECT_FLOAT_EQ(dense.kernel().gradient[i], 2 * once[i]);

  DenseLayer frozen(2, ActivationKind::linear, true, "f");
  frozen.build({{3}}, rng);
  frozen.trainable = false;
  frozen.forward({x}, true);
  std::vector<Tensor> dx = frozen.backward(g, true);
  for (float v : frozen.kernel().gradient) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(dx[0].shape(), x.shape());
}

TEST(Activation, UnknownNamesAreRefused) { EXPECT_THROW(Activation("swishy"), Error); }

TEST(Activation, SoftmaxRowsSumToOne) {
  ActivationLayer layer(ActivationKind::softmax, "s");
  Tensor y = layer.forward({Tensor({2, 3}, {1000, 1001, 1002, -5, 0, 5})}, false);
  for (int r = 0; r < 2; ++r) EXPECT_NEAR(y[3 * r] + y[3 * r + 1] + y[3 * r + 2], 1.0, 1e-6);
  EXPECT_NEAR(y[2], 1.0 / (1.0 + std::exp(-1.0) + std::exp(-2.0)), 1e-6);
}

TEST(Dropout, ScalesKeptUnitsInTrainingOnly) {
  DropoutLayer dropout(0.5, "dropout");
  Rng rng(11);
  dropout.build({{1000}}, rng);
  Tensor x({2, 1000}, 1.0f);
  Tensor inference = dropout.forward({x}, false);
  for (float v : inference) EXPECT_EQ(v, 1.0f);
  Tensor y = dropout.forward({x}, true);
  int kept = 0;
  for (float v : y) {
    EXPECT_TRUE(v == 0.0f || v == 2.0f) << v;
    kept += v != 0.0f;
  }
  EXPECT_GT(kept, 850);
  EXPECT_LT(kept, 1150);
  // The gradient flows through exactly the kept units, scaled the same way.
  std::vector<Tensor> dx = dropout.backward(Tensor({2, 1000}, 1.0f), true);
  for (int64_t i = 0; i < y.size(); ++i) EXPECT_EQ(dx[0][i], y[i]);
  EXPECT_THROW(DropoutLayer(1.0, "bad"), Error);
}

TEST(Dropout, SameSeedSameMask) {
  auto mask = [](uint64_t seed) {
    DropoutLayer dropout(0.3, "dropout");
    Rng rng(seed);
    dropout.build({{64}}, rng);
    Tensor y = dropout.forward({Tensor({1, 64}, 1.0f)}, true);
    return std::vector<float>(y.begin(), y.end());
  };
  EXPECT_EQ(mask(5), mask(5));
  EXPECT_NE(mask(5), mask(6));
}

TEST(Flatten, KeepsRowMajorOrderAndRestoresTheShapeInBackward) {
  FlattenLayer flatten("flatten");
  Tensor x = wavy({2, 3, 4, 5});
  Tensor y = flatten.forward({x}, true);
  EXPECT_EQ(y.shape(), (Shape{2, 60}));
  EXPECT_EQ(y.data(), x.data());  // a view, no copy
  EXPECT_EQ(flatten.compute_output_shape({{3, 4, 5}}), (Shape{60}));
  EXPECT_EQ(flatten.backward(y, true)[0].shape(), x.shape());
}

// Loss gradients against central differences of the loss value.
void check_loss_gradient(const Loss& loss, const Tensor& y_true, Tensor y_pred) {
  Tensor gradient(y_pred.shape());
  loss.compute(y_true, y_pred, &gradient);
  const float h = 1e-4f;
  for (int64_t i = 0; i < y_pred.size(); ++i) {
    const float saved = y_pred[i];
    y_pred[i] = saved + h;
    const double up = loss.compute(y_true, y_pred, nullptr);
    y_pred[i] = saved - h;
    const double down = loss.compute(y_true, y_pred, nullptr);
    y_pred[i] = saved;
    EXPECT_NEAR(gradient[i], (up - down) / (2 * h), 2e-3) << loss.name() << " at " << i;
  }
}

TEST(Losses, GradientsMatchFiniteDifferences) {
  check_loss_gradient(*get_loss("binary_crossentropy"), Tensor({4, 1}, {0, 1, 1, 0}),
                      Tensor({4, 1}, {0.2f, 0.7f, 0.4f, 0.9f}));
  check_loss_gradient(*get_loss("mse"), Tensor({2, 2}, {0, 1, 2, -1}), Tensor({2, 2}, {0.5f, 0.2f, 1.0f, 0.0f}));
  check_loss_gradient(*get_loss("categorical_crossentropy"), Tensor({2, 3}, {0, 1, 0, 1, 0, 0}),
                      Tensor({2, 3}, {0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f}));
  check_loss_gradient(*get_loss("sparse_categorical_crossentropy"), Tensor({2}, {1, 0}),
                      Tensor({2, 3}, {0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f}));
  EXPECT_THROW(get_loss("hinge"), Error);
}

TEST(Losses, BinaryCrossentropyClipsAtKerasEpsilon) {
  auto loss = get_loss("binary_crossentropy");
  // -log(1e-7) for a confident wrong answer, and no gradient where the clip is active.
  Tensor gradient({1, 1});
  EXPECT_NEAR(loss->compute(Tensor({1, 1}, {1.0f}), Tensor({1, 1}, {0.0f}), &gradient), -std::log(1e-7), 1e-3);
  EXPECT_EQ(gradient[0], 0.0f);
  EXPECT_NEAR(loss->compute(Tensor({2}, {1, 0}), Tensor({2, 1}, {0.8f, 0.3f}), nullptr),
              -(std::log(0.8) + std::log(0.7)) / 2, 1e-6);
}

TEST(Metrics, AccuracyIsTheVariantKerasPicks) {
  auto bce = get_loss("binary_crossentropy");
  auto binary = get_metric("accuracy", *bce, 1);
  EXPECT_EQ(binary->name(), "acc");
  // round half to even: 0.5 -> 0.
  EXPECT_DOUBLE_EQ(binary->compute(Tensor({4}, {1, 0, 0, 1}), Tensor({4, 1}, {0.51f, 0.5f, 0.2f, 0.4f})), 0.75);

  auto categorical = get_metric("acc", *get_loss("categorical_crossentropy"), 3);
  EXPECT_DOUBLE_EQ(categorical->compute(Tensor({2, 3}, {0, 1, 0, 0, 0, 1}), Tensor({2, 3}, {0.1f, 0.8f, 0.1f, 0.5f, 0.4f, 0.1f})),
                   0.5);
  auto sparse = get_metric("accuracy", *get_loss("sparse_categorical_crossentropy"), 3);
  EXPECT_DOUBLE_EQ(sparse->compute(Tensor({2}, {1, 2}), Tensor({2, 3}, {0.1f, 0.8f, 0.1f, 0.5f, 0.4f, 0.1f})), 0.5);
  EXPECT_THROW(get_metric("auc", *bce, 1), Error);
}

}  // namespace
}  // namespace bottleneck
