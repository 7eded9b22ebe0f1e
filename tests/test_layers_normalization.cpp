// BatchNormalization as Keras runs and trains it: inference with the moving statistics,
// training with the batch's mean and biased variance and Keras' moving-average update, frozen
// layers, Keras 2 and 3 configs, and the numerical gradient check in every mode. Expected
// values come from the formulas in double precision, not from oneDNN.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/npy.hpp"
#include "fixture_layers.hpp"
#include "layer_gradient_check.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;
using testing::GradientCheckOptions;

Tensor random_tensor(Shape shape, uint64_t seed, float low = -1.0f, float high = 1.0f) {
  Rng rng(seed);
  std::uniform_real_distribution<float> draw(low, high);
  Tensor t(std::move(shape));
  for (float& v : t) v = draw(rng);
  return t;
}

// A built layer with distinct, non-trivial weights on `channels` channels.
std::shared_ptr<BatchNormalizationLayer> prepared(BatchNormalizationOptions options, Shape input, uint64_t seed) {
  auto layer = BatchNormalization(std::move(options)).get();
  Rng rng(seed);
  layer->build({input}, rng);
  const int64_t channels = input.back();
  if (!layer->gamma().value.empty()) layer->gamma().value = random_tensor({channels}, seed + 1, 0.5f, 2.0f);
  if (!layer->beta().value.empty()) layer->beta().value = random_tensor({channels}, seed + 2);
  layer->moving_mean().value = random_tensor({channels}, seed + 3);
  layer->moving_variance().value = random_tensor({channels}, seed + 4, 0.2f, 3.0f);
  return layer;
}

// gamma * (x - mean) / sqrt(variance + epsilon) + beta per channel (the last axis), in double.
Tensor normalized(const Tensor& x, const std::vector<double>& mean, const std::vector<double>& variance,
                  const Tensor& gamma, const Tensor& beta, double epsilon) {
  const int64_t channels = x.dim(-1);
  Tensor y(x.shape());
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t c = i % channels;
    const double g = gamma.empty() ? 1.0 : gamma[c], b = beta.empty() ? 0.0 : beta[c];
    y[i] = static_cast<float>(g * (x[i] - mean[c]) / std::sqrt(variance[c] + epsilon) + b);
  }
  return y;
}

std::vector<double> as_doubles(const Tensor& t) { return std::vector<double>(t.begin(), t.end()); }

// The batch's mean and biased variance over every axis but the last.
std::pair<std::vector<double>, std::vector<double>> batch_moments(const Tensor& x) {
  const int64_t channels = x.dim(-1), rows = x.size() / channels;
  std::vector<double> mean(channels), variance(channels);
  for (int64_t i = 0; i < x.size(); ++i) mean[i % channels] += x[i] / static_cast<double>(rows);
  for (int64_t i = 0; i < x.size(); ++i) {
    const double d = x[i] - mean[i % channels];
    variance[i % channels] += d * d / static_cast<double>(rows);
  }
  return {mean, variance};
}

void expect_near_all(const Tensor& ours, const Tensor& expected, double tolerance) {
  ASSERT_EQ(ours.shape(), expected.shape());
  for (int64_t i = 0; i < ours.size(); ++i) EXPECT_NEAR(ours[i], expected[i], tolerance) << "value " << i;
}

TEST(BatchNormalization, InferenceUsesTheMovingStatistics) {
  clear_session();
  auto bn = BatchNormalization({.epsilon = 1e-3});
  EXPECT_EQ(bn->name(), "batch_normalization");
  Rng rng(1);
  bn->build({{2}}, rng);
  bn->gamma().value = Tensor({2}, {2.0f, 0.5f});
  bn->beta().value = Tensor({2}, {1.0f, -1.0f});
  bn->moving_mean().value = Tensor({2}, {0.5f, -2.0f});
  bn->moving_variance().value = Tensor({2}, {3.999f, 0.249f});
  // sqrt(var + eps) = 2 and 0.5: (2 * (1.5 - 0.5) / 2 + 1, 0.5 * (-1 + 2) / 0.5 - 1) = (2, 0);
  // (2 * (-3.5) / 2 + 1, 0.5 * (-3 + 2) / 0.5 - 1) = (-2.5, -2).
  Tensor y = bn->forward({Tensor({2, 2}, {1.5f, -1.0f, -3.0f, -3.0f})}, false);
  expect_near_all(y, Tensor({2, 2}, {2.0f, 0.0f, -2.5f, -2.0f}), 1e-5);

  for (BatchNormalizationOptions options : {BatchNormalizationOptions{.epsilon = 1.001e-5},
                                            BatchNormalizationOptions{.center = false},
                                            BatchNormalizationOptions{.scale = false},
                                            BatchNormalizationOptions{.axis = 3, .center = false, .scale = false}}) {
    auto layer = prepared(options, {3, 4, 5}, 7);
    Tensor x = random_tensor({2, 3, 4, 5}, 8, -3.0f, 3.0f);
    Tensor expected = normalized(x, as_doubles(layer->moving_mean().value), as_doubles(layer->moving_variance().value),
                                 layer->gamma().value, layer->beta().value, options.epsilon);
    expect_near_all(layer->forward({x}, false), expected, 1e-5);
  }
}

TEST(BatchNormalization, WeightsInKerasOrderWithTheStatisticsNonTrainable) {
  clear_session();
  Rng rng(1);
  auto full = BatchNormalization();
  full->build({{4, 4, 3}}, rng);
  std::vector<std::string> names;
  for (Parameter* p : full->parameters()) names.push_back(p->name + (p->trainable ? "" : " (non-trainable)"));
  EXPECT_EQ(names, (std::vector<std::string>{"gamma", "beta", "moving_mean (non-trainable)",
                                             "moving_variance (non-trainable)"}));
  EXPECT_EQ(std::vector<float>(full->gamma().value.begin(), full->gamma().value.end()), std::vector<float>(3, 1.0f));
  EXPECT_EQ(std::vector<float>(full->moving_variance().value.begin(), full->moving_variance().value.end()),
            std::vector<float>(3, 1.0f));
  EXPECT_EQ(full->count_params(), 12);

  // InceptionV3's BatchNormalization(scale=False): beta, moving_mean, moving_variance.
  auto no_scale = BatchNormalization({.scale = false});
  no_scale->build({{4, 4, 3}}, rng);
  names.clear();
  for (Parameter* p : no_scale->parameters()) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"beta", "moving_mean", "moving_variance"}));
}

TEST(BatchNormalization, TrainingNormalisesWithBatchStatisticsAndUpdatesTheMovingOnes) {
  const double momentum = 0.9;
  auto bn = prepared({.momentum = momentum, .epsilon = 1e-3}, {3, 2, 4}, 11);
  std::vector<double> moving_mean = as_doubles(bn->moving_mean().value);
  std::vector<double> moving_variance = as_doubles(bn->moving_variance().value);
  for (uint64_t step = 0; step < 3; ++step) {
    SCOPED_TRACE(step);
    Tensor x = random_tensor({5, 3, 2, 4}, 20 + step, -2.0f, 4.0f);
    auto [mean, variance] = batch_moments(x);
    Tensor expected = normalized(x, mean, variance, bn->gamma().value, bn->beta().value, 1e-3);
    expect_near_all(bn->forward({x}, true), expected, 2e-5);
    for (int64_t c = 0; c < 4; ++c) {
      // Keras: moving * momentum + batch * (1 - momentum), with float32 factors.
      moving_mean[c] = static_cast<float>(moving_mean[c]) * static_cast<float>(momentum) +
                       mean[c] * static_cast<float>(1 - momentum);
      moving_variance[c] = static_cast<float>(moving_variance[c]) * static_cast<float>(momentum) +
                           variance[c] * static_cast<float>(1 - momentum);
      EXPECT_NEAR(bn->moving_mean().value[c], moving_mean[c], 1e-6) << c;
      EXPECT_NEAR(bn->moving_variance().value[c], moving_variance[c], 1e-6) << c;
    }
  }
  // The unbiased variance would move the statistics visibly: this is the biased one.
  Tensor x = random_tensor({2, 1, 1, 4}, 40);
  auto [mean, variance] = batch_moments(x);
  const float before = bn->moving_variance().value[0];
  bn->forward({x}, true);
  EXPECT_NEAR(bn->moving_variance().value[0], before * 0.9f + variance[0] * 0.1, 1e-6);
}

TEST(BatchNormalization, FrozenOrCalledWithTrainingFalseRunsInInferenceMode) {
  Tensor x = random_tensor({4, 3, 3, 2}, 30, -2.0f, 2.0f);
  auto reference = prepared({}, {3, 3, 2}, 31);
  const Tensor inference = reference->forward({x}, false);
  const Tensor mean = reference->moving_mean().value.clone(), variance = reference->moving_variance().value.clone();

  auto frozen = prepared({}, {3, 3, 2}, 31);
  frozen->trainable = false;
  auto called_with_training_false = prepared({}, {3, 3, 2}, 31);
  for (auto* layer : {frozen.get(), called_with_training_false.get()}) {
    SCOPED_TRACE(layer->trainable ? "training=False" : "trainable=False");
    // A model runs a node called with training=False in inference mode during training steps.
    expect_near_all(layer->forward({x}, !layer->trainable), inference, 1e-6);
    expect_near_all(layer->moving_mean().value, mean, 0.0);
    expect_near_all(layer->moving_variance().value, variance, 0.0);
  }
  // And a trainable layer in a training forward does not give the inference output.
  auto training = prepared({}, {3, 3, 2}, 31);
  Tensor trained = training->forward({x}, true);
  double difference = 0;
  for (int64_t i = 0; i < x.size(); ++i) difference = std::max(difference, std::abs(double(trained[i]) - inference[i]));
  EXPECT_GT(difference, 0.1);
}

TEST(BatchNormalization, GradientsInInferenceTrainingAndFrozenModes) {
  for (BatchNormalizationOptions options :
       {BatchNormalizationOptions{}, BatchNormalizationOptions{.center = false},
        BatchNormalizationOptions{.scale = false}, BatchNormalizationOptions{.center = false, .scale = false}}) {
    SCOPED_TRACE(std::string("center ") + (options.center ? "on" : "off") + ", scale " + (options.scale ? "on" : "off"));
    const int64_t trainable_values = 3 * (int(options.center) + int(options.scale));
    const Shape shape{3, 2, 3};
    const int64_t inputs = 2 * shape_size(shape);
    {
      SCOPED_TRACE("inference mode (training=False): the affine map");
      auto bn = prepared(options, shape, 50);
      EXPECT_EQ(check_layer_gradients(*bn, {shape}), inputs + trainable_values);
    }
    {
      SCOPED_TRACE("training mode: through the batch's mean and variance");
      auto bn = prepared(options, shape, 51);
      EXPECT_EQ(check_layer_gradients(*bn, {shape}, GradientCheckOptions{.training = true}),
                inputs + trainable_values);
    }
    {
      SCOPED_TRACE("frozen: inference mode, no weight gradients");
      auto bn = prepared(options, shape, 52);
      bn->trainable = false;
      EXPECT_EQ(check_layer_gradients(*bn, {shape}, GradientCheckOptions{.training = true}), inputs);
      for (Parameter* p : bn->parameters())
        for (float g : p->gradient) EXPECT_EQ(g, 0.0f) << p->name;
    }
  }
  SCOPED_TRACE("2-D inputs (batch, features), training mode");
  auto dense_bn = prepared({}, {6}, 60);
  GradientCheckOptions options{.training = true};
  EXPECT_EQ(check_layer_gradients(*dense_bn, {{6}}, options), 2 * 6 + 12);
}

TEST(BatchNormalization, ForgetsNothingBetweenPassesWhenTheBatchChanges) {
  auto bn = prepared({}, {2, 2, 3}, 70);
  Tensor small = random_tensor({1, 2, 2, 3}, 71), large = random_tensor({3, 2, 2, 3}, 72);
  Tensor first = bn->forward({small}, false);
  bn->forward({large}, false);
  expect_near_all(bn->forward({small}, false), first, 0.0);
  EXPECT_THROW(bn->forward({random_tensor({1, 2, 2, 4}, 73)}, false), Error);
  EXPECT_THROW(bn->backward(random_tensor({3, 2, 2, 3}, 74), true), Error);  // not the last forward's batch
}

// ../shared's syn_activations model: its bn_plain (center and scale off, moving statistics
// from the file) then conv_out and softmax, from the saved output of bn_no_scale, against
// what TensorFlow.js computed.
TEST(BatchNormalization, ReproducesTensorFlowJsOnTheSynActivationsFixture) {
  BOTTLENECK_REQUIRE_SHARED();
  const auto dir = testing::shared_dir() / "fixtures" / "keras_models" / "syn_activations";
  const testing::FixtureLayers layers(dir);
  Tensor x = load_npy((dir / "expected_bn_no_scale.npy").string());
  const Tensor expected = load_npy((dir / "expected.npy").string());
  Tensor y = layers.run("act_softmax", layers.run("conv_out", layers.run("bn_plain", x)));
  EXPECT_LT(testing::max_relative_error(y, expected), 1e-5);
  // The file's statistics matter: without the normalisation the result is far off.
  EXPECT_GT(testing::max_relative_error(layers.run("act_softmax", layers.run("conv_out", x)), expected), 1e-2);
}

// bn_Conv1 of ../shared's mobilenetv2 fixture: Keras 2 (model.h5) and Keras 3 (model.keras).
constexpr const char* keras2_config = R"({"axis": -1, "momentum": 0.999, "epsilon": 0.001, "center": true, "scale": true, "beta_initializer": {"class_name": "Zeros", "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}}, "moving_mean_initializer": {"class_name": "Zeros", "config": {}}, "moving_variance_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null, "gamma_constraint": null, "name": "bn_Conv1", "trainable": true})";
constexpr const char* keras3_config = R"({"name": "bn_Conv1", "trainable": false, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "axis": -1, "momentum": 0.999, "epsilon": 0.001, "center": true, "scale": false, "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {}, "registered_name": null}, "moving_mean_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "moving_variance_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {}, "registered_name": null}, "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null, "gamma_constraint": null, "synchronized": false, "renorm": false, "renorm_clipping": null, "renorm_momentum": 0.99})";

TEST(BatchNormalization, ReadsKeras2And3ConfigsAndRoundTrips) {
  for (const char* text : {keras2_config, keras3_config}) {
    const nlohmann::json config = nlohmann::json::parse(text);
    LayerPtr layer = layer_from_config({{"class_name", "BatchNormalization"}, {"config", config}});
    EXPECT_EQ(layer->trainable, config["trainable"].get<bool>());
    const nlohmann::json written = layer->get_config();
    for (const char* key : {"name", "axis", "momentum", "epsilon", "center", "scale"})
      EXPECT_EQ(written[key], config[key]) << key;
    LayerPtr again = layer_from_config({{"class_name", "BatchNormalization"}, {"config", written}});
    EXPECT_EQ(again->get_config(), written);
  }
  // tf.keras 2.x writes axis as [3]; Keras 2 also as 3 for NHWC inputs.
  for (const nlohmann::json& axis : {nlohmann::json::array({3}), nlohmann::json(3)}) {
    LayerPtr layer = layer_from_config({{"class_name", "BatchNormalization"}, {"config", {{"name", "bn"}, {"axis", axis}}}});
    EXPECT_EQ(layer->compute_output_shape({{5, 5, 8}}), (Shape{5, 5, 8}));
    EXPECT_THROW(layer->compute_output_shape({{8}}), Error);  // axis 3 of a 2-D input
  }
}

TEST(BatchNormalization, RefusesWhatItCannotComputeNamingTheLayer) {
  auto refused = [](nlohmann::json config, const Shape& input = {4, 4, 8}) {
    config["name"] = "bad_bn";
    try {
      LayerPtr layer = layer_from_config({{"class_name", "BatchNormalization"}, {"config", config}});
      layer->compute_output_shape({input});
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad_bn"), std::string::npos) << e.what();
      return true;
    }
    return false;
  };
  EXPECT_TRUE(refused({{"axis", 1}}));  // channels_first
  EXPECT_TRUE(refused({{"axis", {1, 2}}}));
  EXPECT_TRUE(refused({{"renorm", true}}));
  EXPECT_TRUE(refused({{"virtual_batch_size", 4}}));
  EXPECT_TRUE(refused({{"epsilon", -1e-3}}));
  EXPECT_FALSE(refused({{"axis", -1}}));
  EXPECT_FALSE(refused({{"axis", 1}}, {8}));  // the last axis of (batch, features)
}

}  // namespace
}  // namespace bottleneck
