// keras.activations by name and the activation layers (Activation, ReLU, LeakyReLU, ELU,
// Softmax): values against PyTorch, Keras 2 and Keras 3 config forms, gradients.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "layer_gradient_check.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;

const std::vector<float> points{-3.0f, -1.0f, -0.5f, 0.0f, 0.3f, 1.0f, 2.5f, 7.0f};

// Computed offline by PyTorch 1.13 in float64 (Debian's python3-torch):
//   x = torch.tensor([-3., -1., -.5, 0., .3, 1., 2.5, 7.], dtype=torch.float64)
//   relu6: F.relu6, hard_sigmoid: F.hardsigmoid (Keras 3's relu6(x+3)/6), silu: F.silu,
//   hard_silu: F.hardswish, gelu: F.gelu(x), gelu_approximate: F.gelu(x, approximate='tanh'),
//   elu/selu/softplus/softsign: F.<name>, exponential: torch.exp, softmax: torch.softmax(x, -1)
const std::map<std::string, std::vector<double>> expected{
    {"linear", {-3, -1, -0.5, 0, 0.3, 1, 2.5, 7}},
    {"relu", {0, 0, 0, 0, 0.3, 1, 2.5, 7}},
    {"relu6", {0, 0, 0, 0, 0.3, 1, 2.5, 6}},
    {"sigmoid", {0.0474258732, 0.268941421, 0.377540669, 0.5, 0.574442517, 0.731058579, 0.92414182, 0.999088949}},
    {"hard_sigmoid", {0, 0.333333333, 0.416666667, 0.5, 0.55, 0.666666667, 0.916666667, 1}},
    {"silu", {-0.14227762, -0.268941421, -0.188770334, 0, 0.172332755, 0.731058579, 2.31035455, 6.99362264}},
    {"hard_silu", {-0, -0.333333333, -0.208333333, 0, 0.165, 0.666666667, 2.29166667, 7}},
    {"gelu", {-0.00404969409, -0.158655254, -0.154268769, 0, 0.185373427, 0.841344746, 2.48447584, 7}},
    {"gelu_approximate", {-0.00363739208, -0.158808009, -0.15428599, 0, 0.185370924, 0.841191991, 2.48491573, 7}},
    {"tanh", {-0.995054754, -0.761594156, -0.462117157, 0, 0.291312612, 0.761594156, 0.986614298, 0.999998337}},
    {"elu", {-0.950212932, -0.632120559, -0.39346934, 0, 0.3, 1, 2.5, 7}},
    {"selu", {-1.67056873, -1.11133074, -0.691758188, 0, 0.315210296, 1.05070099, 2.62675247, 7.35490691}},
    {"softplus", {0.0485873516, 0.313261688, 0.474076984, 0.693147181, 0.854355244, 1.31326169, 2.57888973, 7.00091147}},
    {"softsign", {-0.75, -0.5, -0.333333333, 0, 0.230769231, 0.5, 0.714285714, 0.875}},
    {"exponential", {0.0497870684, 0.367879441, 0.60653066, 1, 1.34985881, 2.71828183, 12.182494, 1096.63316}},
    {"softmax",
     {4.46557642e-05, 0.000329963947, 0.000544018578, 0.000896935002, 0.00121073561, 0.00243812212, 0.0109269052,
      0.983608664}},
};

// Keras 2's hard_sigmoid, clip(0.2 x + 0.5, 0, 1), by hand.
const std::vector<double> hard_sigmoid_keras2{0, 0.3, 0.4, 0.5, 0.56, 0.7, 1, 1};

std::vector<float> run_on(Layer& layer, const std::vector<float>& x) {
  Tensor y = layer.forward({Tensor({1, static_cast<int64_t>(x.size())}, x)}, false);
  return {y.begin(), y.end()};
}

void expect_near_all(const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 2e-6 + 2e-6 * std::abs(want[i])) << "at x = " << points[i];
}

nlohmann::json activation_config(const nlohmann::json& activation, const nlohmann::json& dtype = "float32") {
  return {{"name", "act"}, {"trainable", true}, {"dtype", dtype}, {"activation", activation}};
}

const nlohmann::json keras3_dtype = {
    {"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}}, {"registered_name", nullptr}};

TEST(Activations, ValuesMatchPyTorch) {
  for (const auto& [name, want] : expected) {
    SCOPED_TRACE(name);
    auto layer = Activation(name);
    expect_near_all(run_on(*layer, points), want);
  }
}

TEST(Activations, KerasSpellingsOfOneFunction) {
  EXPECT_EQ(parse_activation("swish"), ActivationKind::silu);
  EXPECT_EQ(parse_activation("silu"), ActivationKind::silu);
  EXPECT_EQ(parse_activation("hard_swish"), ActivationKind::hard_silu);
  EXPECT_EQ(parse_activation("hard_silu"), ActivationKind::hard_silu);
  // Written with Keras 2's names, which both Kerases read.
  EXPECT_EQ(activation_to_config(ActivationKind::silu), "swish");
  EXPECT_EQ(activation_to_config(ActivationKind::hard_silu), "hard_swish");
  EXPECT_THROW(parse_activation("swishy"), Error);
}

TEST(Activations, HardSigmoidMeansWhatTheWritingKerasMeant) {
  auto keras2 = ActivationLayer::from_config(activation_config("hard_sigmoid"));
  expect_near_all(run_on(*keras2, points), hard_sigmoid_keras2);
  auto keras3 = ActivationLayer::from_config(activation_config("hard_sigmoid", keras3_dtype));
  expect_near_all(run_on(*keras3, points), expected.at("hard_sigmoid"));
  // Keras 3's function object form says Keras 3 whatever the dtype.
  auto keras3_object = ActivationLayer::from_config(activation_config(
      {{"module", "keras.activations"}, {"class_name", "function"}, {"config", "hard_sigmoid"}, {"registered_name", "function"}}));
  expect_near_all(run_on(*keras3_object, points), expected.at("hard_sigmoid"));
  // Each reads back as itself.
  for (const LayerPtr& layer : {keras2, keras3}) {
    auto again = ActivationLayer::from_config(layer->get_config());
    EXPECT_EQ(run_on(*again, points), run_on(*layer, points));
  }
}

TEST(Activations, ConfigForms) {
  const std::vector<nlohmann::json> relu_forms{
      "relu",
      {{"class_name", "relu"}, {"config", nlohmann::json::object()}},
      {{"module", "keras.activations"}, {"class_name", "function"}, {"config", "relu"}, {"registered_name", "function"}},
  };
  for (const nlohmann::json& form : relu_forms) {
    SCOPED_TRACE(form.dump());
    EXPECT_EQ(activation_from_config(activation_config(form)), ActivationKind::relu);
  }
  EXPECT_EQ(activation_from_config({{"name", "d"}}), ActivationKind::linear);
  EXPECT_EQ(activation_from_config(activation_config(nullptr)), ActivationKind::linear);
  // An activation layer object as a Dense activation carries settings we would drop: refused.
  EXPECT_THROW(activation_from_config(activation_config({{"class_name", "LeakyReLU"}, {"config", {{"alpha", 0.1}}}})),
               Error);
  EXPECT_THROW(activation_from_config(activation_config(3)), Error);
  EXPECT_THROW(ActivationLayer::from_config({{"name", "a"}}), Error);
}

// The Keras 3 form of a real file (syn_preproc_se's model.keras config.json).
TEST(Activations, Keras3ActivationLayerAndDenseConfigs) {
  auto silu = layer_from_config(nlohmann::json::parse(R"({"module": "keras.layers", "class_name": "Activation",
      "config": {"name": "stem_act", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
      "config": {"name": "float32"}, "registered_name": null}, "activation": "silu"}})"));
  expect_near_all(run_on(*silu, points), expected.at("silu"));
  auto dense = DenseLayer::from_config(
      {{"name", "d"}, {"units", 2}, {"dtype", keras3_dtype}, {"activation", "gelu"}, {"use_bias", true}});
  EXPECT_EQ(dynamic_cast<DenseLayer&>(*dense).activation(), ActivationKind::gelu);
}

TEST(ReLU, KerasFormulaWithCeilingSlopeAndThreshold) {
  // x > 0.5 -> min(x, 4); else 0.1 (x - 0.5) (syn_activations' relu_clip_leaky_thresh).
  auto relu = ReLU({.max_value = 4.0f, .negative_slope = 0.1f, .threshold = 0.5f});
  std::vector<double> want;
  for (float x : points) want.push_back(x > 0.5f ? std::min(x, 4.0f) : 0.1 * (x - 0.5));
  expect_near_all(run_on(*relu, points), want);
  auto relu6 = ReLU({.max_value = 6.0f});
  expect_near_all(run_on(*relu6, points), expected.at("relu6"));
  EXPECT_EQ(relu->name(), "re_lu");
}

TEST(ReLU, ConfigRoundTripAndRefusals) {
  auto relu = ReLULayer::from_config(
      {{"name", "r"}, {"max_value", 4}, {"negative_slope", 0.1}, {"threshold", 0.5}, {"trainable", true}});
  EXPECT_EQ(ReLULayer::from_config(relu->get_config())->get_config(), relu->get_config());
  auto unbounded = ReLULayer::from_config({{"name", "r"}, {"max_value", nullptr}});
  EXPECT_TRUE(unbounded->get_config()["max_value"].is_null());
  EXPECT_THROW(ReLULayer::from_config({{"name", "r"}, {"max_value", -1}}), Error);
  EXPECT_THROW(ReLULayer::from_config({{"name", "r"}, {"negative_slope", -0.1}}), Error);
  EXPECT_THROW(ReLULayer::from_config({{"name", "r"}, {"threshold", -1}}), Error);
  EXPECT_THROW(ReLULayer::from_config({{"name", "r"}, {"threshold", "high"}}), Error);
}

TEST(LeakyReLU, Keras2AlphaAndKeras3NegativeSlope) {
  auto keras2 = LeakyReLULayer::from_config({{"name", "l"}, {"alpha", 0.2}});
  auto keras3 = LeakyReLULayer::from_config({{"name", "l"}, {"negative_slope", 0.2}});
  auto fallback = LeakyReLULayer::from_config({{"name", "l"}});
  std::vector<double> want;
  for (float x : points) want.push_back(x > 0 ? x : 0.2 * x);
  expect_near_all(run_on(*keras2, points), want);
  expect_near_all(run_on(*keras3, points), want);
  EXPECT_FLOAT_EQ(dynamic_cast<LeakyReLULayer&>(*fallback).negative_slope(), 0.3f);
  EXPECT_EQ(LeakyReLULayer::from_config(keras2->get_config())->get_config(), keras2->get_config());
}

TEST(ELU, AlphaScalesTheNegativeSide) {
  auto elu = ELU(0.5f);
  std::vector<double> want;
  for (float x : points) want.push_back(x > 0 ? x : 0.5 * std::expm1(static_cast<double>(x)));
  expect_near_all(run_on(*elu, points), want);
  EXPECT_EQ(ELULayer::from_config(elu->get_config())->get_config(), elu->get_config());
  auto one = ELU();
  expect_near_all(run_on(*one, points), expected.at("elu"));
}

TEST(Softmax, OverTheChosenAxes) {
  // (1, 2, 3): over axis 1 each column of two sums to 1; over [1, 2] all six do.
  Tensor x({1, 2, 3}, {0, 1, 2, 3, 4, 5});
  auto columns = Softmax({1});
  Tensor y = columns->forward({x}, false);
  const double e3 = 1.0 / (1.0 + std::exp(3.0));  // softmax of (0, 3) at 0
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(y[j], e3, 1e-6);
    EXPECT_NEAR(y[3 + j], 1 - e3, 1e-6);
  }
  auto all = Softmax({1, 2});
  Tensor z = all->forward({x}, false);
  double total = 0;
  for (int i = 0; i < 6; ++i) total += std::exp(static_cast<double>(i));
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(z[i], std::exp(static_cast<double>(i)) / total, 1e-6);
  auto last = Softmax();
  Tensor w = last->forward({Tensor({1, 8}, points)}, false);
  expect_near_all({w.begin(), w.end()}, expected.at("softmax"));
  EXPECT_EQ(SoftmaxLayer::from_config(all->get_config())->get_config(), all->get_config());
  EXPECT_EQ(last->get_config()["axis"], -1);
  auto apart = Softmax({1, 3});
  EXPECT_THROW(apart->forward({Tensor({1, 2, 2, 2})}, false), Error);
  auto beyond = Softmax({4});
  EXPECT_THROW(beyond->forward({Tensor({1, 2, 2, 2})}, false), Error);
}

TEST(ActivationGradients, EveryActivationInDenseAndActivation) {
  for (const auto& [name, values] : expected) {
    SCOPED_TRACE(name);
    auto layer = Activation(name);
    EXPECT_EQ(check_layer_gradients(*layer, {{2, 3, 2}}), 2 * 12);
  }
  // Dense keeps its pre-activation only for the functions whose derivative needs it.
  for (const char* name : {"silu", "hard_silu", "gelu", "gelu_approximate", "selu", "softplus"}) {
    SCOPED_TRACE(name);
    auto dense = Dense(3, name);
    EXPECT_EQ(check_layer_gradients(*dense, {{4}}), 2 * 4 + 4 * 3 + 3);
  }
  auto keras2 = ActivationLayer::from_config(activation_config("hard_sigmoid"));
  check_layer_gradients(*keras2, {{2, 3, 2}});
}

TEST(ActivationGradients, ActivationLayers) {
  auto clipped = ReLU({.max_value = 0.8f, .negative_slope = 0.1f, .threshold = 0.3f});
  EXPECT_EQ(check_layer_gradients(*clipped, {{3, 4}}), 2 * 12);
  auto relu6 = ReLU({.max_value = 6.0f});
  check_layer_gradients(*relu6, {{3, 4}});
  auto leaky = LeakyReLU(0.2f);
  check_layer_gradients(*leaky, {{3, 4}});
  auto elu = ELU(0.7f);
  check_layer_gradients(*elu, {{3, 4}});
  for (const std::vector<int64_t>& axis : {std::vector<int64_t>{-1}, {1}, {1, 2}, {2, 3}}) {
    auto softmax = Softmax(axis);
    EXPECT_EQ(check_layer_gradients(*softmax, {{2, 3, 2}}), 2 * 12);
  }
}

TEST(ActivationGradients, BackwardNeedsAForward) {
  auto relu = ReLU();
  EXPECT_THROW(relu->backward(Tensor({1, 3}), true), Error);
}

// Every field Keras wrote comes back; numbers as float32 holds them.
void expect_same_fields(const nlohmann::json& written, const nlohmann::json& ours) {
  for (const auto& [key, value] : written.items()) {
    if (key == "dtype") continue;
    ASSERT_TRUE(ours.contains(key)) << key;
    if (value.is_number() && ours[key].is_number())
      EXPECT_NEAR(ours[key].get<double>(), value.get<double>(), 1e-7 * std::max(1.0, std::abs(value.get<double>())))
          << key;
    else
      EXPECT_EQ(ours[key], value) << key;
  }
}

// Every activation-family layer in the fixtures' Keras 2 configs loads and writes back the
// same config.
TEST(ActivationLayers, FixtureConfigsRoundTrip) {
  BOTTLENECK_REQUIRE_SHARED();
  int seen = 0;
  for (const char* model : {"syn_activations", "syn_preproc_se", "efficientnetb0", "mobilenetv2", "resnet50"}) {
    std::ifstream in(testing::shared_dir() / "fixtures/keras_models" / model / "topology.json");
    ASSERT_TRUE(in) << model;
    const nlohmann::json topology = nlohmann::json::parse(in);
    for (const nlohmann::json& layer : topology["config"]["layers"]) {
      const std::string class_name = layer["class_name"];
      if (class_name != "Activation" && class_name != "ReLU" && class_name != "LeakyReLU" && class_name != "ELU" &&
          class_name != "Softmax")
        continue;
      SCOPED_TRACE(std::string(model) + "/" + layer["config"]["name"].get<std::string>());
      LayerPtr loaded = layer_from_config(layer);
      LayerPtr again = layer_from_config({{"class_name", class_name}, {"config", loaded->get_config()}});
      EXPECT_EQ(again->get_config(), loaded->get_config());
      expect_same_fields(layer["config"], loaded->get_config());
      ++seen;
    }
  }
  EXPECT_GT(seen, 20);
}

}  // namespace
}  // namespace bottleneck
