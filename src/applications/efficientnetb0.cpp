// EfficientNetB0 without its classifier, as keras.applications builds it. The model takes
// 0..255 pixels: Rescaling(1/255) and Normalization (its mean and variance are weights), and
// with weights="imagenet" a further Rescaling(1/sqrt(stddev)) as Keras adds from 2.10 on (the
// original network divides by the variance, Normalization by its square root). Then stem_conv
// 3x3/2, 16 MBConv blocks (1x1 expansion, depthwise, squeeze-excite, linear 1x1 projection,
// Dropout with one draw per sample and Add when the shapes match), top_conv 1x1; swish throughout.
#include <cmath>

#include "applications/application_builder.hpp"
#include "applications/efficientnet.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/depthwise_conv2d.hpp"
#include "bottleneck/layers/dropout.hpp"
#include "bottleneck/layers/global_average_pooling2d.hpp"
#include "bottleneck/layers/multiply.hpp"
#include "bottleneck/layers/normalization.hpp"
#include "bottleneck/layers/rescaling.hpp"
#include "bottleneck/layers/reshape.hpp"
#include "bottleneck/layers/zero_padding2d.hpp"

namespace bottleneck {

namespace {
// One stage of Keras' DEFAULT_BLOCKS_ARGS.
struct StageArgs {
  int64_t kernel_size, repeats, filters_in, filters_out, expand_ratio, strides;
};
constexpr double kSeRatio = 0.25;
constexpr double kDropConnectRate = 0.2;

SymbolicTensor pointwise(SymbolicTensor x, int64_t filters, const std::string& name,
                         const std::string& activation = "linear", bool use_bias = false) {
  return Conv2D(filters, {.kernel_h = 1,
                          .kernel_w = 1,
                          .padding = "same",
                          .activation = activation,
                          .use_bias = use_bias,
                          .name = name})(x);
}

SymbolicTensor batch_norm_swish(SymbolicTensor x, const std::string& bn_name, const std::string& activation_name) {
  x = BatchNormalization({.axis = 3, .epsilon = 1e-3, .name = bn_name})(x);
  return Activation("swish", activation_name)(x);
}

// Keras' efficientnet.block with B0's swish and se_ratio 0.25 (id_skip is always true there).
SymbolicTensor mbconv_block(SymbolicTensor inputs, double drop_rate, const std::string& name, int64_t filters_in,
                            int64_t filters_out, int64_t kernel_size, int64_t strides, int64_t expand_ratio) {
  const int64_t filters = filters_in * expand_ratio;
  SymbolicTensor x = inputs;
  if (expand_ratio != 1)
    x = batch_norm_swish(pointwise(x, filters, name + "expand_conv"), name + "expand_bn", name + "expand_activation");
  if (strides == 2) x = ZeroPadding2D(detail::correct_pad(x.shape(), kernel_size), name + "dwconv_pad")(x);
  x = DepthwiseConv2D({.kernel_h = kernel_size,
                       .kernel_w = kernel_size,
                       .stride_h = strides,
                       .stride_w = strides,
                       .padding = strides == 2 ? "valid" : "same",
                       .use_bias = false,
                       .name = name + "dwconv"})(x);
  x = batch_norm_swish(x, name + "bn", name + "activation");

  const int64_t filters_se = std::max<int64_t>(1, static_cast<int64_t>(filters_in * kSeRatio));
  SymbolicTensor se = GlobalAveragePooling2D({.name = name + "se_squeeze"})(x);
  se = Reshape(Shape{1, 1, filters}, name + "se_reshape")(se);
  se = pointwise(se, filters_se, name + "se_reduce", "swish", true);
  se = pointwise(se, filters, name + "se_expand", "sigmoid", true);
  x = Multiply(name + "se_excite")({x, se});

  x = pointwise(x, filters_out, name + "project_conv");
  x = BatchNormalization({.axis = 3, .epsilon = 1e-3, .name = name + "project_bn"})(x);
  if (strides == 1 && filters_in == filters_out) {
    if (drop_rate > 0) x = Dropout(drop_rate, NoiseShape{std::nullopt, 1, 1, 1}, name + "drop")(x);
    x = Add(name + "add")({x, inputs});
  }
  return x;
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& efficientnetb0_application() {
  static const Application application{
      .name = "efficientnetb0",
      .keras_name = "EfficientNetB0",
      .build = EfficientNetB0,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "none",
      .imagenet = PublishedWeights{"EfficientNetB0 ImageNet notop weights",
                                   "efficientnetb0_notop.h5",
                                   {"https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5"},
                                   "50bc09e76180e00e4465e1a485ddc09d",
                                   "",
                                   0},
      // Keras' EfficientNet fine-tuning example unfreezes its last 20 layers: the four of its
      // head and the base from the last block, block7a, on.
      .fine_tuning_cut = "block7a_expand_conv",
  };
  return application;
}

std::unique_ptr<Model> efficientnet_b0_layout(const ApplicationOptions& options, double width_coefficient) {
  const Application& application = efficientnetb0_application();
  auto round_filters = [&](int64_t filters) { return make_divisible(filters * width_coefficient); };
  SymbolicTensor inputs = application_input(application, options);
  SymbolicTensor x = Rescaling({.scale = {1.0 / 255.0}, .name = "rescaling"})(inputs);
  x = Normalization({.axis = {3}, .name = "normalization"})(x);
  if (options.weights == "imagenet") {
    const double stddev[] = {0.229, 0.224, 0.225};  // Keras' IMAGENET_STDDEV_RGB
    x = Rescaling({.scale = {1 / std::sqrt(stddev[0]), 1 / std::sqrt(stddev[1]), 1 / std::sqrt(stddev[2])},
                   .name = "rescaling_1"})(x);
  }
  x = ZeroPadding2D(correct_pad(x.shape(), 3), "stem_conv_pad")(x);
  x = Conv2D(round_filters(32), {.stride_h = 2, .stride_w = 2, .use_bias = false, .name = "stem_conv"})(x);
  x = batch_norm_swish(x, "stem_bn", "stem_activation");

  const StageArgs stages[] = {{3, 1, 32, 16, 1, 1},  {3, 2, 16, 24, 6, 2},  {5, 2, 24, 40, 6, 2},
                              {3, 3, 40, 80, 6, 2},  {5, 3, 80, 112, 6, 1}, {5, 4, 112, 192, 6, 2},
                              {3, 1, 192, 320, 6, 1}};
  double blocks = 0;
  for (const StageArgs& stage : stages) blocks += stage.repeats;
  int block_index = 0;
  for (int i = 0; i < 7; ++i) {
    const StageArgs& stage = stages[i];
    for (int64_t j = 0; j < stage.repeats; ++j, ++block_index) {
      const std::string name = "block" + std::to_string(i + 1) + static_cast<char>('a' + j) + "_";
      const int64_t filters_out = round_filters(stage.filters_out);
      x = mbconv_block(x, kDropConnectRate * block_index / blocks, name,
                       j == 0 ? round_filters(stage.filters_in) : filters_out, filters_out, stage.kernel_size, j == 0 ? stage.strides : 1, stage.expand_ratio);
    }
  }
  x = batch_norm_swish(pointwise(x, round_filters(1280), "top_conv"), "top_bn", "top_activation");
  return finish_application(application, inputs, x, options);
}

}  // namespace detail

std::unique_ptr<Model> EfficientNetB0(const ApplicationOptions& options) {
  return detail::efficientnet_b0_layout(options, 1.0);
}

}  // namespace bottleneck
