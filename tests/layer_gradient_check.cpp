#include "layer_gradient_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace bottleneck::testing {

namespace {

Tensor uniform(Shape shape, Rng& rng) {
  std::uniform_real_distribution<float> draw(-1.0f, 1.0f);
  Tensor t(std::move(shape));
  for (float& v : t) v = draw(rng);
  return t;
}

double probe(Layer& layer, const std::vector<Tensor>& inputs, const Tensor& weights, bool training) {
  Tensor y = layer.forward(inputs, training);
  double total = 0.0;
  for (int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
  return total;
}

}  // namespace

int64_t check_layer_gradients(Layer& layer, const std::vector<Shape>& input_shapes,
                              const GradientCheckOptions& options) {
  Rng rng(options.seed);
  if (!layer.built()) layer.build(input_shapes, rng);
  std::vector<Tensor> inputs;
  for (Shape shape : input_shapes) {
    shape.insert(shape.begin(), 2);
    inputs.push_back(uniform(shape, rng));
  }
  Tensor y = layer.forward(inputs, options.training);
  Tensor weights = uniform(y.shape(), rng);
  for (Parameter* p : layer.parameters()) std::fill(p->gradient.begin(), p->gradient.end(), 0.0f);
  std::vector<Tensor> input_gradients = layer.backward(weights, true);
  EXPECT_EQ(input_gradients.size(), inputs.size()) << layer.name();
  if (input_gradients.size() != inputs.size()) return 0;

  auto numeric = [&](float& value) {
    const float saved = value;
    value = saved + static_cast<float>(options.step);
    const double up = probe(layer, inputs, weights, options.training);
    value = saved - static_cast<float>(options.step);
    const double down = probe(layer, inputs, weights, options.training);
    value = saved;
    return (up - down) / (2 * options.step);
  };
  double worst = 0.0;  // of |analytic - numeric| / max(1, |numeric|)
  auto near = [&](double analytic, double expected) {
    const double error = std::abs(analytic - expected) / std::max(1.0, std::abs(expected));
    worst = std::max(worst, error);
    return error <= options.tolerance;
  };
  int64_t checked = 0;
  for (size_t k = 0; k < inputs.size(); ++k)
    for (int64_t i = 0; i < inputs[k].size(); ++i, ++checked) {
      const double expected = numeric(inputs[k][i]);
      EXPECT_PRED2(near, input_gradients[k][i], expected) << layer.name() << " input " << k << " value " << i;
    }
  for (Parameter* p : layer.parameters()) {
    if (!layer.trainable || !p->trainable) continue;
    for (int64_t i = 0; i < p->value.size(); ++i, ++checked) {
      const double expected = numeric(p->value[i]);
      EXPECT_PRED2(near, p->gradient[i], expected) << layer.name() << " " << p->name << " value " << i;
    }
  }
  // The figures a reader compares with the tolerance (and the closing notes quote).
  std::printf("gradient check: %s '%s'%s: %lld values, worst error %.2e (tolerance %.0e)\n", layer.class_name().c_str(),
              layer.name().c_str(), options.training ? " (training)" : "", static_cast<long long>(checked), worst,
              options.tolerance);
  return checked;
}

}  // namespace bottleneck::testing
