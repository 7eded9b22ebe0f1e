// MobileNet (v1) without its classifier, as keras.applications builds it: conv1 3x3/2, then 13
// depthwise-separable blocks (3x3 depthwise, 1x1 pointwise, each with BatchNormalization eps
// 1e-3 and ReLU(6.)); a stride-2 block pads ((0, 1), (0, 1)) and runs its depthwise valid.
// alpha scales every width.
#include "applications/application_builder.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/depthwise_conv2d.hpp"
#include "bottleneck/layers/relu.hpp"
#include "bottleneck/layers/zero_padding2d.hpp"

namespace bottleneck {

namespace {
SymbolicTensor batch_norm_relu6(SymbolicTensor x, const std::string& name) {
  x = BatchNormalization({.epsilon = 1e-3, .name = name + "_bn"})(x);
  return ReLU({.max_value = 6.0f, .name = name + "_relu"})(x);
}

// Keras' _depthwise_conv_block.
SymbolicTensor depthwise_conv_block(SymbolicTensor x, int64_t filters, double alpha, int64_t stride, int block_id) {
  const std::string id = std::to_string(block_id);
  if (stride == 2) x = ZeroPadding2D(Sides2D({0, 1}, {0, 1}), "conv_pad_" + id)(x);
  x = DepthwiseConv2D({.stride_h = stride,
                       .stride_w = stride,
                       .padding = stride == 1 ? "same" : "valid",
                       .use_bias = false,
                       .name = "conv_dw_" + id})(x);
  x = batch_norm_relu6(x, "conv_dw_" + id);
  x = Conv2D(static_cast<int64_t>(filters * alpha),
             {.kernel_h = 1, .kernel_w = 1, .padding = "same", .use_bias = false, .name = "conv_pw_" + id})(x);
  return batch_norm_relu6(x, "conv_pw_" + id);
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp. Keras publishes one notop file
// per alpha and input size, without a hash, so "imagenet" is not offered: pass the file.
const Application& mobilenet_application() {
  static const Application application{
      .name = "mobilenet",
      .keras_name = "MobileNet",
      .build = MobileNet,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "tf",
      .imagenet = std::nullopt,
      // The top block: the last stride-2 stage (blocks 12 and 13 at 1024 filters).
      .fine_tuning_cut = "conv_pad_12",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> MobileNet(const ApplicationOptions& options) {
  const Application& application = detail::mobilenet_application();
  const double alpha = detail::positive_alpha(application, options);
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = Conv2D(static_cast<int64_t>(32 * alpha),
                            {.stride_h = 2, .stride_w = 2, .padding = "same", .use_bias = false, .name = "conv1"})(inputs);
  x = batch_norm_relu6(x, "conv1");
  struct Block {
    int64_t filters, stride;
  };
  int block_id = 1;
  for (Block block : {Block{64, 1}, Block{128, 2}, Block{128, 1}, Block{256, 2}, Block{256, 1}, Block{512, 2},
                      Block{512, 1}, Block{512, 1}, Block{512, 1}, Block{512, 1}, Block{512, 1}, Block{1024, 2},
                      Block{1024, 1}})
    x = depthwise_conv_block(x, block.filters, alpha, block.stride, block_id++);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
