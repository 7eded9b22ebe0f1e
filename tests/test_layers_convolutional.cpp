// Conv2D (strides, dilation, groups, rectangular kernels, TensorFlow's 'same' padding, any
// activation), DepthwiseConv2D and SeparableConv2D: forward values against a direct
// convolution written from Keras' definition (double precision, no oneDNN), hand-computed
// numbers, the outputs TensorFlow.js computed for ../shared's syn_convs model, Keras 2 and 3
// configs, refused configs, and the numerical gradient check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "backend/convolution.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/npy.hpp"
#include "fixture_layers.hpp"
#include "layer_gradient_check.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::check_layer_gradients;

Tensor random_tensor(Shape shape, uint64_t seed) {
  Rng rng(seed);
  std::uniform_real_distribution<float> draw(-1.0f, 1.0f);
  Tensor t(std::move(shape));
  for (float& v : t) v = draw(rng);
  return t;
}

// Where a window lands, by hand for each case: output size and the padding before.
struct Window {
  int64_t kh, kw, sh, sw, dh, dw, pad_top, pad_left, out_h, out_w;
};

// Keras' convolution by its definition: out[n, i, j, o] = bias[o] + sum over a, b, c of
// x[n, i*sh - pad_top + a*dh, j*sw - pad_left + b*dw, input_channel(o, c)] * weight(a, b, c, o),
// cells outside the input being zero. `taps` input channels feed each output channel.
template <typename InputChannel, typename Weight>
Tensor direct_convolution(const Tensor& x, const Window& w, int64_t out_channels, int64_t taps,
                          InputChannel input_channel, Weight weight, const Tensor& bias) {
  const int64_t n = x.dim(0), h = x.dim(1), wd = x.dim(2), c_in = x.dim(3);
  Tensor y({n, w.out_h, w.out_w, out_channels});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < w.out_h; ++i)
      for (int64_t j = 0; j < w.out_w; ++j)
        for (int64_t o = 0; o < out_channels; ++o) {
          double sum = bias.empty() ? 0.0 : bias[o];
          for (int64_t a = 0; a < w.kh; ++a)
            for (int64_t q = 0; q < w.kw; ++q) {
              const int64_t r = i * w.sh - w.pad_top + a * w.dh, s = j * w.sw - w.pad_left + q * w.dw;
              if (r < 0 || r >= h || s < 0 || s >= wd) continue;
              for (int64_t c = 0; c < taps; ++c)
                sum += static_cast<double>(x[((b * h + r) * wd + s) * c_in + input_channel(o, c)]) * weight(a, q, c, o);
            }
          y[((b * w.out_h + i) * w.out_w + j) * out_channels + o] = static_cast<float>(sum);
        }
  return y;
}

// Conv2D with `groups`: kernel (kh, kw, Cin / groups, Cout); output channel o reads group
// o / (Cout / groups).
Tensor direct_conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Window& w, int64_t groups) {
  const int64_t per_group = kernel.dim(2), out = kernel.dim(3), outs_per_group = out / groups;
  return direct_convolution(
      x, w, out, per_group, [&](int64_t o, int64_t c) { return (o / outs_per_group) * per_group + c; },
      [&](int64_t a, int64_t q, int64_t c, int64_t o) { return kernel[((a * w.kw + q) * per_group + c) * out + o]; },
      bias);
}

// DepthwiseConv2D: kernel (kh, kw, Cin, dm); output channel c * dm + m reads input channel c.
Tensor direct_depthwise(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Window& w) {
  const int64_t c_in = kernel.dim(2), dm = kernel.dim(3);
  return direct_convolution(
      x, w, c_in * dm, 1, [&](int64_t o, int64_t) { return o / dm; },
      [&](int64_t a, int64_t q, int64_t, int64_t o) { return kernel[((a * w.kw + q) * c_in + o / dm) * dm + o % dm]; },
      bias);
}

float max_abs_difference(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  float worst = 0.0f;
  for (int64_t i = 0; i < std::min(a.size(), b.size()); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

void expect_rounded_equal(const Tensor& y, const std::vector<float>& expected) {
  ASSERT_EQ(y.size(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(y[i], expected[i], 1e-4) << "value " << i;
}

TEST(PlaceWindow, SamePaddingFollowsTensorFlowWithTheOddPixelAfter) {
  using backend::Padding;
  auto place = [](int64_t in, int64_t k, int64_t s, int64_t d, Padding padding) {
    backend::ConvGeometry g;
    g.kernel_h = g.kernel_w = k, g.stride_h = g.stride_w = s, g.dilation_h = g.dilation_w = d, g.padding = padding;
    return backend::place_window(in, in, g);
  };
  // in 6, k 3, s 2: out 3, total max(2*2 + 3 - 6, 0) = 1 -> 0 before, 1 after.
  auto p = place(6, 3, 2, 1, Padding::same);
  EXPECT_EQ(p.out_h, 3);
  EXPECT_EQ(p.pad_top, 0);
  EXPECT_EQ(p.pad_bottom, 1);
  // in 7, k 3, s 2: out 4, total 3*2 + 3 - 7 = 2 -> 1 and 1.
  p = place(7, 3, 2, 1, Padding::same);
  EXPECT_EQ(p.out_h, 4);
  EXPECT_EQ(p.pad_top, 1);
  EXPECT_EQ(p.pad_bottom, 1);
  // Dilation 2 makes a 3-tap window 5 wide: in 9, s 1: total 8 + 5 - 9 = 4 -> 2 and 2.
  p = place(9, 3, 1, 2, Padding::same);
  EXPECT_EQ(p.out_w, 9);
  EXPECT_EQ(p.pad_left, 2);
  EXPECT_EQ(p.pad_right, 2);
  // Dilation 2, k 4 (7 wide), s 1: total 6 -> 3 and 3; valid on 10: out 10 - 7 + 1 = 4.
  EXPECT_EQ(place(10, 4, 1, 2, Padding::valid).out_h, 4);
  // in 2, k 1, s 3: out 1, total max(0 + 1 - 2, 0) = 0.
  p = place(2, 1, 3, 1, Padding::same);
  EXPECT_EQ(p.out_h, 1);
  EXPECT_EQ(p.pad_top + p.pad_bottom, 0);
  EXPECT_THROW(place(4, 3, 1, 2, Padding::valid), Error);  // a 5-wide window on 4 pixels
}

TEST(Conv2D, SamePaddingWithStrideTwoPadsBottomAndRightByHand) {
  clear_session();
  auto conv = Conv2D(1, {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same", .use_bias = false});
  Rng rng(1);
  conv->build({{4, 4, 1}}, rng);
  std::fill(conv->kernel().value.begin(), conv->kernel().value.end(), 1.0f);
  Tensor x({1, 4, 4, 1});
  for (int64_t i = 0; i < 16; ++i) x[i] = static_cast<float>(i + 1);
  // out 2x2, one padded row and column after: windows rows/cols {0,1,2} and {2,3,pad}.
  //   (1+2+3)+(5+6+7)+(9+10+11) = 54, 3+4+7+8+11+12 = 45, 9+10+11+13+14+15 = 72, 11+12+15+16 = 54.
  expect_rounded_equal(conv->forward({x}, false), {54, 45, 72, 54});
}

struct ConvCase {
  const char* what;
  Conv2DOptions options;
  int64_t filters;
  Shape input;  // without the batch axis
  Window window;
};

TEST(Conv2D, MatchesTheDirectConvolutionForEveryGeometry) {
  const std::vector<ConvCase> cases = {
      // name, options, filters, input, {kh, kw, sh, sw, dh, dw, pad_top, pad_left, out_h, out_w}
      {"3x3/2 same, odd and even sides", {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same"},
       4, {7, 6, 3}, {3, 3, 2, 2, 1, 1, 1, 0, 4, 3}},
      {"1x7 same", {.kernel_h = 1, .kernel_w = 7, .padding = "same", .use_bias = false}, 3, {5, 9, 2},
       {1, 7, 1, 1, 1, 1, 0, 3, 5, 9}},
      {"7x1 same", {.kernel_h = 7, .kernel_w = 1, .padding = "same"}, 3, {8, 4, 2}, {7, 1, 1, 1, 1, 1, 3, 0, 8, 4}},
      {"3x3 dilation 2 same", {.kernel_h = 3, .kernel_w = 3, .padding = "same", .dilation_h = 2, .dilation_w = 2}, 5,
       {9, 8, 3}, {3, 3, 1, 1, 2, 2, 2, 2, 9, 8}},
      {"3x2 dilation (2, 3) valid", {.kernel_h = 3, .kernel_w = 2, .dilation_h = 2, .dilation_w = 3}, 2, {9, 8, 3},
       {3, 2, 1, 1, 2, 3, 0, 0, 5, 5}},
      {"4x4/3 same, 1 + 2 padding", {.kernel_h = 4, .kernel_w = 4, .stride_h = 3, .stride_w = 3, .padding = "same"}, 2,
       {7, 7, 2}, {4, 4, 3, 3, 1, 1, 1, 1, 3, 3}},
      {"5x3/(2,1) valid", {.kernel_h = 5, .kernel_w = 3, .stride_h = 2, .stride_w = 1}, 4, {11, 6, 3},
       {5, 3, 2, 1, 1, 1, 0, 0, 4, 4}},
      {"groups 2", {.kernel_h = 3, .kernel_w = 3, .padding = "same", .groups = 2}, 6, {5, 5, 4},
       {3, 3, 1, 1, 1, 1, 1, 1, 5, 5}},
      {"groups 3, sigmoid", {.kernel_h = 2, .kernel_w = 2, .groups = 3, .activation = "sigmoid"}, 3, {4, 5, 6},
       {2, 2, 1, 1, 1, 1, 0, 0, 3, 4}},
      {"relu fused", {.kernel_h = 3, .kernel_w = 3, .padding = "same", .activation = "relu"}, 3, {4, 4, 2},
       {3, 3, 1, 1, 1, 1, 1, 1, 4, 4}},
      {"tanh", {.kernel_h = 1, .kernel_w = 1, .activation = "tanh"}, 3, {3, 3, 4}, {1, 1, 1, 1, 1, 1, 0, 0, 3, 3}},
  };
  uint64_t seed = 10;
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(c.what);
    auto conv = Conv2D(c.filters, c.options);
    Rng rng(seed++);
    conv->build({c.input}, rng);
    ASSERT_EQ(conv->compute_output_shape({c.input}), (Shape{c.window.out_h, c.window.out_w, c.filters}));
    if (c.options.use_bias) conv->bias().value = random_tensor({c.filters}, seed++);
    Shape batch = c.input;
    batch.insert(batch.begin(), 2);
    Tensor x = random_tensor(batch, seed++);
    Tensor expected = direct_conv2d(x, conv->kernel().value, conv->bias().value, c.window, c.options.groups);
    const std::string activation = c.options.activation;
    for (float& v : expected) {
      if (activation == "relu") v = std::max(v, 0.0f);
      if (activation == "sigmoid") v = 1.0f / (1.0f + std::exp(-v));
      if (activation == "tanh") v = std::tanh(v);
    }
    EXPECT_LT(max_abs_difference(conv->forward({x}, false), expected), 1e-5f);
  }
}

TEST(DepthwiseConv2D, OutputChannelIsInputChannelTimesMultiplierPlusM) {
  clear_session();
  // Two channels, depth_multiplier 2, a 1x1 kernel: out[c*2 + m] = x[c] * k[c][m] + bias.
  auto depthwise = DepthwiseConv2D({.kernel_h = 1, .kernel_w = 1, .depth_multiplier = 2});
  Rng rng(1);
  depthwise->build({{1, 1, 2}}, rng);
  depthwise->depthwise_kernel().value = Tensor({1, 1, 2, 2}, {1, 10, 100, 1000});
  depthwise->bias().value = Tensor({4}, {0.5f, 0, 0, -1});
  expect_rounded_equal(depthwise->forward({Tensor({1, 1, 1, 2}, {2, 3})}, false), {2.5f, 20, 300, 2999});
  EXPECT_EQ(depthwise->depthwise_kernel().name, "depthwise_kernel");
}

struct DepthwiseCase {
  const char* what;
  DepthwiseConv2DOptions options;
  Shape input;
  Window window;
};

TEST(DepthwiseConv2D, MatchesTheDirectConvolution) {
  const std::vector<DepthwiseCase> cases = {
      {"3x3 same", {.kernel_h = 3, .kernel_w = 3, .padding = "same"}, {5, 6, 3}, {3, 3, 1, 1, 1, 1, 1, 1, 5, 6}},
      {"3x3/2 same dm 2", {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same",
                           .depth_multiplier = 2}, {6, 7, 3}, {3, 3, 2, 2, 1, 1, 0, 1, 3, 4}},
      {"5x5/2 valid dm 3 relu", {.kernel_h = 5, .kernel_w = 5, .stride_h = 2, .stride_w = 2, .depth_multiplier = 3,
                                 .activation = "relu"}, {9, 10, 2}, {5, 5, 2, 2, 1, 1, 0, 0, 3, 3}},
      {"3x3 dilation 2 same", {.kernel_h = 3, .kernel_w = 3, .padding = "same", .dilation_h = 2, .dilation_w = 2,
                               .use_bias = false}, {7, 7, 4}, {3, 3, 1, 1, 2, 2, 2, 2, 7, 7}},
  };
  uint64_t seed = 40;
  for (const DepthwiseCase& c : cases) {
    SCOPED_TRACE(c.what);
    auto depthwise = DepthwiseConv2D(c.options);
    Rng rng(seed++);
    depthwise->build({c.input}, rng);
    const int64_t out_channels = c.input[2] * c.options.depth_multiplier;
    ASSERT_EQ(depthwise->compute_output_shape({c.input}), (Shape{c.window.out_h, c.window.out_w, out_channels}));
    if (c.options.use_bias) depthwise->bias().value = random_tensor({out_channels}, seed++);
    Tensor x = random_tensor({2, c.input[0], c.input[1], c.input[2]}, seed++);
    Tensor expected = direct_depthwise(x, depthwise->depthwise_kernel().value, depthwise->bias().value, c.window);
    if (std::string(c.options.activation) == "relu")
      for (float& v : expected) v = std::max(v, 0.0f);
    EXPECT_LT(max_abs_difference(depthwise->forward({x}, false), expected), 1e-5f);
  }
}

TEST(SeparableConv2D, IsDepthwiseThenPointwiseThenBiasThenActivation) {
  clear_session();
  auto separable = SeparableConv2D(
      5, {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same", .depth_multiplier = 2,
          .activation = "sigmoid"});
  EXPECT_EQ(separable->name(), "separable_conv2d");
  Rng rng(5);
  separable->build({{6, 5, 3}}, rng);
  std::vector<Parameter*> params = separable->parameters();
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0]->name, "depthwise_kernel");
  EXPECT_EQ(params[0]->value.shape(), (Shape{3, 3, 3, 2}));
  EXPECT_EQ(params[1]->name, "pointwise_kernel");
  EXPECT_EQ(params[1]->value.shape(), (Shape{1, 1, 6, 5}));
  EXPECT_EQ(params[2]->name, "bias");
  separable->bias().value = random_tensor({5}, 6);
  Tensor x = random_tensor({2, 6, 5, 3}, 7);
  // 6 -> out 3, total 1: 0 before; 5 -> out 3, total 2: 1 before.
  Tensor middle = direct_depthwise(x, separable->depthwise_kernel().value, Tensor(), {3, 3, 2, 2, 1, 1, 0, 1, 3, 3});
  Tensor expected = direct_conv2d(middle, separable->pointwise_kernel().value, separable->bias().value,
                                  {1, 1, 1, 1, 1, 1, 0, 0, 3, 3}, 1);
  for (float& v : expected) v = 1.0f / (1.0f + std::exp(-v));
  EXPECT_LT(max_abs_difference(separable->forward({x}, false), expected), 1e-5f);
}

// ../shared's syn_convs model, built from its Keras 2 config with its weights, against the
// outputs TensorFlow.js computed (cross-checked there by an independent PyTorch forward).
TEST(ConvolutionLayers, ReproduceTensorFlowJsOnTheSynConvsFixture) {
  BOTTLENECK_REQUIRE_SHARED();
  const auto dir = testing::shared_dir() / "fixtures" / "keras_models" / "syn_convs";
  const testing::FixtureLayers layers(dir);
  auto run = [&](const std::string& name, const Tensor& x) { return layers.run(name, x); };
  auto expect_close = [](const Tensor& ours, const std::filesystem::path& file) {
    EXPECT_LT(testing::max_relative_error(ours, load_npy(file.string())), 1e-5) << file;
  };
  Tensor x = run("conv_s2_same", load_npy((dir / "inputs.npy").string()));
  expect_close(x, dir / "expected_conv_s2_same.npy");
  for (const char* name : {"conv_1x7", "conv_7x1", "conv_dilated", "conv_5x3_s21_valid", "dw_s2_dm2"}) x = run(name, x);
  expect_close(x, dir / "expected_dw_s2_dm2.npy");
  Tensor y = run("sep_s2_valid", run("sep_dm2", load_npy((dir / "expected_crop_asym.npy").string())));
  expect_close(y, dir / "expected.npy");
}

// Conv2D, DepthwiseConv2D and SeparableConv2D configs as Keras 3 writes them (from syn_convs'
// model.keras): DTypePolicy dicts, groups, initializers with module names.
constexpr const char* keras3_configs = R"([
 {"class_name": "Conv2D", "config": {"name": "conv_dilated", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "filters": 12, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [2, 2], "groups": 1, "activation": "relu", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
 {"class_name": "DepthwiseConv2D", "config": {"name": "dw_s2_dm2", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "depth_multiplier": 2, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": true, "depthwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "depthwise_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "depthwise_constraint": null, "bias_constraint": null}},
 {"class_name": "SeparableConv2D", "config": {"name": "sep_s2_valid", "trainable": false, "dtype": "float32", "depth_multiplier": 1, "filters": 10, "kernel_size": [3, 3], "strides": [2, 2], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": false}},
 {"class_name": "Conv2D", "config": {"name": "grouped", "filters": 8, "kernel_size": 3, "strides": null, "padding": "valid", "dilation_rate": 2, "groups": 4, "activation": "tanh"}}
])";

TEST(ConvolutionLayers, ReadKeras3ConfigsAndRoundTripThem) {
  for (const nlohmann::json& entry : nlohmann::json::parse(keras3_configs)) {
    SCOPED_TRACE(entry["config"]["name"].get<std::string>());
    LayerPtr layer = layer_from_config(entry);
    EXPECT_EQ(layer->class_name(), entry["class_name"]);
    EXPECT_EQ(layer->trainable, entry["config"].value("trainable", true));
    const nlohmann::json config = layer->get_config();
    for (const char* key : {"filters", "depth_multiplier", "padding", "activation", "use_bias", "groups"})
      if (entry["config"].contains(key)) {
        EXPECT_EQ(config[key], entry["config"][key]) << key;
      }
    LayerPtr again = layer_from_config({{"class_name", layer->class_name()}, {"config", config}});
    EXPECT_EQ(again->get_config(), config);
  }
  const nlohmann::json grouped = layer_from_config(nlohmann::json::parse(keras3_configs)[3])->get_config();
  EXPECT_EQ(grouped["kernel_size"], nlohmann::json({3, 3}));
  EXPECT_EQ(grouped["strides"], nlohmann::json({1, 1}));
  EXPECT_EQ(grouped["dilation_rate"], nlohmann::json({2, 2}));
}

TEST(ConvolutionLayers, WeightsFollowKerasShapesAndOrder) {
  clear_session();
  Rng rng(2);
  auto grouped = Conv2D(6, {.kernel_h = 1, .kernel_w = 7, .groups = 3});
  grouped->build({{4, 9, 12}}, rng);
  EXPECT_EQ(grouped->kernel().value.shape(), (Shape{1, 7, 4, 6}));
  auto depthwise = DepthwiseConv2D({.depth_multiplier = 3});
  EXPECT_EQ(depthwise->name(), "depthwise_conv2d");
  depthwise->build({{5, 5, 4}}, rng);
  EXPECT_EQ(depthwise->depthwise_kernel().value.shape(), (Shape{3, 3, 4, 3}));
  EXPECT_EQ(depthwise->bias().value.shape(), (Shape{12}));
  EXPECT_EQ(depthwise->count_params(), 3 * 3 * 4 * 3 + 12);
}

TEST(ConvolutionLayers, RefuseBadConfigsNamingTheLayer) {
  auto refused = [](const std::string& class_name, nlohmann::json config) {
    config["name"] = "bad_layer";
    try {
      layer_from_config({{"class_name", class_name}, {"config", config}});
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad_layer"), std::string::npos) << e.what();
      return true;
    }
    return false;
  };
  const nlohmann::json conv = {{"filters", 4}, {"kernel_size", {3, 3}}};
  auto with = [](nlohmann::json c, const char* key, nlohmann::json value) {
    c[key] = std::move(value);
    return c;
  };
  for (const char* class_name : {"Conv2D", "SeparableConv2D"}) {
    SCOPED_TRACE(class_name);
    EXPECT_TRUE(refused(class_name, with(conv, "strides", {0, 1})));
    EXPECT_TRUE(refused(class_name, with(conv, "kernel_size", {0, 3})));
    EXPECT_TRUE(refused(class_name, with(conv, "kernel_size", {3, 1000000})));
    EXPECT_TRUE(refused(class_name, with(conv, "dilation_rate", 0)));
    EXPECT_TRUE(refused(class_name, with(conv, "filters", 0)));
    EXPECT_TRUE(refused(class_name, with(conv, "filters", int64_t{1000000000000000000})));
    EXPECT_TRUE(refused(class_name, with(conv, "padding", "full")));
    EXPECT_TRUE(refused(class_name, with(conv, "data_format", "channels_first")));
    EXPECT_TRUE(refused(class_name, with(conv, "activation", "no_such_function")));
    EXPECT_FALSE(refused(class_name, conv));
  }
  EXPECT_TRUE(refused("Conv2D", with(conv, "groups", 3)));  // 4 filters do not split in 3
  EXPECT_TRUE(refused("Conv2D", with(conv, "groups", 0)));
  const nlohmann::json depthwise = {{"kernel_size", {3, 3}}};
  EXPECT_TRUE(refused("DepthwiseConv2D", with(depthwise, "depth_multiplier", 0)));
  EXPECT_TRUE(refused("DepthwiseConv2D", with(depthwise, "depth_multiplier", int64_t{1} << 40)));
  EXPECT_TRUE(refused("DepthwiseConv2D", with(depthwise, "strides", -2)));
  EXPECT_FALSE(refused("DepthwiseConv2D", depthwise));

  // Channels that do not split into the groups, and inputs smaller than a valid window.
  auto grouped = Conv2D(4, {.groups = 2});
  EXPECT_THROW(grouped->compute_output_shape({{8, 8, 3}}), Error);
  auto dilated = DepthwiseConv2D({.dilation_h = 3, .dilation_w = 3});
  EXPECT_THROW(dilated->compute_output_shape({{6, 6, 3}}), Error);  // 7-wide window
}

TEST(ConvolutionLayers, Gradients) {
  clear_session();
  std::vector<std::pair<LayerPtr, Shape>> layers = {
      {Conv2D(3, {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same"}), {6, 7, 2}},
      {Conv2D(2, {.kernel_h = 1, .kernel_w = 3, .padding = "same", .activation = "sigmoid"}), {3, 6, 2}},
      {Conv2D(2, {.kernel_h = 3, .kernel_w = 1, .padding = "same", .dilation_h = 2, .activation = "tanh"}), {7, 3, 2}},
      {Conv2D(4, {.kernel_h = 2, .kernel_w = 2, .padding = "same", .groups = 2, .activation = "relu"}), {4, 5, 4}},
      {Conv2D(3, {.kernel_h = 3, .kernel_w = 3, .dilation_h = 2, .dilation_w = 2, .use_bias = false}), {6, 6, 3}},
      {DepthwiseConv2D({.kernel_h = 3, .kernel_w = 3, .padding = "same"}), {5, 4, 3}},
      {DepthwiseConv2D({.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same",
                        .depth_multiplier = 2, .activation = "relu"}), {6, 5, 2}},
      {DepthwiseConv2D({.kernel_h = 3, .kernel_w = 2, .padding = "same", .dilation_h = 2, .dilation_w = 2,
                        .activation = "sigmoid", .use_bias = false}), {5, 5, 3}},
      {SeparableConv2D(4, {.kernel_h = 3, .kernel_w = 3, .padding = "same", .depth_multiplier = 2}), {5, 4, 3}},
      {SeparableConv2D(3, {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .activation = "relu",
                           .use_bias = false}), {7, 6, 2}},
  };
  for (auto& [layer, shape] : layers) {
    SCOPED_TRACE(layer->get_config().dump());
    // Seed 7 keeps every ReLU's input clear of 0 by more than the finite differences' step:
    // across the kink the numeric derivative is meaningless (seed 1 lands on it).

    Rng rng(3);
    layer->build({shape}, rng);
    EXPECT_EQ(check_layer_gradients(*layer, {shape}, {.seed = 7}), 2 * shape_size(shape) + layer->count_params());
  }
}

TEST(ConvolutionLayers, FrozenLayersPassGradientsButKeepNone) {
  clear_session();
  auto separable = SeparableConv2D(3, {.padding = "same"});
  separable->trainable = false;
  EXPECT_EQ(check_layer_gradients(*separable, {{4, 4, 2}}), 2 * 32);
  for (Parameter* p : separable->parameters())
    for (float v : p->gradient) EXPECT_EQ(v, 0.0f) << p->name;
}

}  // namespace
}  // namespace bottleneck
