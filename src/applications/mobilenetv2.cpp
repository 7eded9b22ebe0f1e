// MobileNetV2 without its classifier, as keras.applications builds it: Conv1 3x3/2, then 17
// inverted residual blocks (1x1 expansion, 3x3 depthwise, linear 1x1 projection, Add when the
// shapes match), then Conv_1 1x1. BatchNormalization eps 1e-3 momentum 0.999, ReLU(6.).
// alpha scales every width but the last (Keras keeps 1280 for alpha <= 1).
#include "applications/application_builder.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/depthwise_conv2d.hpp"
#include "bottleneck/layers/relu.hpp"
#include "bottleneck/layers/zero_padding2d.hpp"

namespace bottleneck {

namespace {
SymbolicTensor batch_norm(SymbolicTensor x, const std::string& name) {
  return BatchNormalization({.momentum = 0.999, .epsilon = 1e-3, .name = name})(x);
}

SymbolicTensor relu6(SymbolicTensor x, const std::string& name) { return ReLU({.max_value = 6.0f, .name = name})(x); }

SymbolicTensor pointwise_conv(SymbolicTensor x, int64_t filters, const std::string& name, const std::string& padding) {
  return Conv2D(filters, {.kernel_h = 1, .kernel_w = 1, .padding = padding, .use_bias = false, .name = name})(x);
}

// Keras' _inverted_res_block.
SymbolicTensor inverted_res_block(SymbolicTensor inputs, int64_t expansion, int64_t stride, double alpha,
                                  int64_t filters, int block_id) {
  const int64_t in_channels = inputs.shape().back();
  const int64_t pointwise_filters = detail::make_divisible(static_cast<double>(static_cast<int64_t>(filters * alpha)));
  std::string prefix = "block_" + std::to_string(block_id) + "_";
  SymbolicTensor x = inputs;
  if (block_id) {
    x = pointwise_conv(x, expansion * in_channels, prefix + "expand", "same");
    x = relu6(batch_norm(x, prefix + "expand_BN"), prefix + "expand_relu");
  } else {
    prefix = "expanded_conv_";
  }
  if (stride == 2) x = ZeroPadding2D(detail::correct_pad(x.shape(), 3), prefix + "pad")(x);
  x = DepthwiseConv2D({.stride_h = stride,
                       .stride_w = stride,
                       .padding = stride == 1 ? "same" : "valid",
                       .use_bias = false,
                       .name = prefix + "depthwise"})(x);
  x = relu6(batch_norm(x, prefix + "depthwise_BN"), prefix + "depthwise_relu");
  x = batch_norm(pointwise_conv(x, pointwise_filters, prefix + "project", "same"), prefix + "project_BN");
  if (in_channels == pointwise_filters && stride == 1) return Add(prefix + "add")({inputs, x});
  return x;
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp. Keras publishes one notop file
// per alpha and input size, without a hash, so "imagenet" is not offered: pass the file.
const Application& mobilenetv2_application() {
  static const Application application{
      .name = "mobilenetv2",
      .keras_name = "MobileNetV2",
      .build = MobileNetV2,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "tf",
      .imagenet = std::nullopt,
      // TensorFlow's transfer-learning tutorial fine-tunes from base_model.layers[100] on.
      .fine_tuning_cut = "block_11_expand_relu",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> MobileNetV2(const ApplicationOptions& options) {
  const Application& application = detail::mobilenetv2_application();
  const double alpha = detail::positive_alpha(application, options);
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = Conv2D(detail::make_divisible(32 * alpha), {.stride_h = 2,
                                                                  .stride_w = 2,
                                                                  .padding = "same",
                                                                  .use_bias = false,
                                                                  .name = "Conv1"})(inputs);
  x = relu6(batch_norm(x, "bn_Conv1"), "Conv1_relu");
  struct Stage {
    int64_t filters, stride, expansion, repeats;
  };
  int block_id = 0;
  for (Stage stage : {Stage{16, 1, 1, 1}, Stage{24, 2, 6, 2}, Stage{32, 2, 6, 3}, Stage{64, 2, 6, 4},
                      Stage{96, 1, 6, 3}, Stage{160, 2, 6, 3}, Stage{320, 1, 6, 1}}) {
    for (int64_t i = 0; i < stage.repeats; ++i, ++block_id)
      x = inverted_res_block(x, stage.expansion, i == 0 ? stage.stride : 1, alpha, stage.filters, block_id);
  }
  const int64_t last_block_filters = alpha > 1.0 ? detail::make_divisible(1280 * alpha) : 1280;
  x = batch_norm(pointwise_conv(x, last_block_filters, "Conv_1", "valid"), "Conv_1_bn");
  x = relu6(x, "out_relu");
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
