// Optimizers follow Keras 2's update rules: each checked over a few steps against the rule
// written out in double precision, with and without decay.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "bottleneck/error.hpp"
#include "bottleneck/training/optimizers.hpp"

namespace bottleneck {
namespace {

constexpr int steps = 4;
constexpr int64_t size = 3000;  // above the parallel threshold's chunk, not a multiple of it

float gradient_at(int step, int64_t i) { return std::sin(0.37 * static_cast<double>(i) + step) * 0.5; }
float start_at(int64_t i) { return std::cos(0.11 * static_cast<double>(i)); }

// Runs `optimizer` for `steps` steps on one parameter and compares every weight against
// `reference(step, lr_t, w, g, state)` applied to a double-precision copy.
void check_rule(std::shared_ptr<Optimizer> optimizer, int state_size,
                const std::function<void(int step, double lr, double& w, double g, std::vector<double>& state)>& reference,
                double decay = 0.0) {
  Parameter p{"kernel", Tensor({size}), Tensor({size})};
  std::vector<double> expected(size);
  std::vector<std::vector<double>> states(size, std::vector<double>(state_size, 0.0));
  for (int64_t i = 0; i < size; ++i) expected[i] = p.value[i] = start_at(i);
  for (int step = 0; step < steps; ++step) {
    for (int64_t i = 0; i < size; ++i) p.gradient[i] = gradient_at(step, i);
    optimizer->apply_gradients({&p});
    const double lr = optimizer->lr / (1.0 + decay * step);
    for (int64_t i = 0; i < size; ++i) reference(step, lr, expected[i], gradient_at(step, i), states[i]);
    for (float g : p.gradient) ASSERT_EQ(g, 0.0f) << "gradients are zeroed after the update";
  }
  EXPECT_EQ(optimizer->iterations, steps);
  for (int64_t i = 0; i < size; ++i)
    ASSERT_NEAR(p.value[i], expected[i], 2e-5 * std::max(1.0, std::fabs(expected[i]))) << optimizer->class_name() << " " << i;
}

TEST(Optimizers, SgdWithMomentum) {
  check_rule(SGD({.lr = 0.05f, .momentum = 0.9f}), 1, [](int, double lr, double& w, double g, std::vector<double>& v) {
    v[0] = 0.9 * v[0] - lr * g;
    w += v[0];
  });
}

TEST(Optimizers, SgdNesterovWithDecay) {
  check_rule(
      SGD({.lr = 0.05f, .momentum = 0.8f, .decay = 0.1f, .nesterov = true}), 1,
      [](int, double lr, double& w, double g, std::vector<double>& v) {
        v[0] = 0.8 * v[0] - lr * g;
        w += 0.8 * v[0] - lr * g;
      },
      0.1);
}

TEST(Optimizers, AdadeltaUsesTheNewAccumulatorAndTheOldDelta) {
  check_rule(Adadelta(), 2, [](int, double lr, double& w, double g, std::vector<double>& s) {
    s[0] = 0.95 * s[0] + 0.05 * g * g;
    const double d = g * std::sqrt(s[1] + 1e-7) / std::sqrt(s[0] + 1e-7);
    w -= lr * d;
    s[1] = 0.95 * s[1] + 0.05 * d * d;
  });
}

TEST(Optimizers, RmsProp) {
  check_rule(RMSprop(), 1, [](int, double lr, double& w, double g, std::vector<double>& a) {
    a[0] = 0.9 * a[0] + 0.1 * g * g;
    w -= lr * g / (std::sqrt(a[0]) + 1e-7);
  });
}

TEST(Optimizers, AdamWithBiasCorrection) {
  check_rule(Adam(), 2, [](int step, double lr, double& w, double g, std::vector<double>& s) {
    const double t = step + 1;
    const double lr_t = lr * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    s[0] = 0.9 * s[0] + 0.1 * g;
    s[1] = 0.999 * s[1] + 0.001 * g * g;
    w -= lr_t * s[0] / (std::sqrt(s[1]) + 1e-7);
  });
}

TEST(Optimizers, AdagradWithDecay) {
  check_rule(
      Adagrad({.decay = 0.5f}), 1,
      [](int, double lr, double& w, double g, std::vector<double>& a) {
        a[0] += g * g;
        w -= lr * g / (std::sqrt(a[0]) + 1e-7);
      },
      0.5);
}

TEST(Optimizers, KerasDefaultsByName) {
  EXPECT_FLOAT_EQ(get_optimizer("adadelta")->lr, 1.0f);
  EXPECT_FLOAT_EQ(get_optimizer("SGD")->lr, 0.01f);
  EXPECT_FLOAT_EQ(get_optimizer("adam")->lr, 0.001f);
  EXPECT_FLOAT_EQ(get_optimizer("rmsprop")->lr, 0.001f);
  EXPECT_FLOAT_EQ(get_optimizer("adagrad")->lr, 0.01f);
  EXPECT_THROW(get_optimizer("lbfgs"), Error);
}

TEST(Optimizers, ConfigRoundTripsAndReadsTfKerasNames) {
  auto sgd = SGD({.lr = 1e-4f, .momentum = 0.9f, .nesterov = true});
  EXPECT_EQ(sgd->get_config()["lr"], 1e-4);
  EXPECT_EQ(sgd->get_config()["momentum"], 0.9);
  auto copy = optimizer_from_config({{"class_name", sgd->class_name()}, {"config", sgd->get_config()}});
  EXPECT_EQ(copy->get_config(), sgd->get_config());
  auto adam = optimizer_from_config(nlohmann::json::parse(R"({"class_name": "Adam", "config": {"learning_rate": 0.01}})"));
  EXPECT_FLOAT_EQ(adam->lr, 0.01f);
  EXPECT_EQ(Adadelta()->get_config()["epsilon"], 1e-7);
  EXPECT_THROW(optimizer_from_config(nlohmann::json::parse(R"({"class_name": "Nadam", "config": {}})")), Error);
}

}  // namespace
}  // namespace bottleneck
