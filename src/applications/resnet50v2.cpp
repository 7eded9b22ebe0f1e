// keras.applications.resnet_v2.ResNet50V2 without its top: the stem (7x7/2 conv with bias,
// 3x3/2 max pool, no BN), then stacks conv2..conv5 of 3, 4, 6, 3 pre-activation bottleneck
// blocks (BN and ReLU before the convolutions), then post_bn and post_relu. A stack's first
// block has a 1x1 conv shortcut; its last block strides (conv5's does not) with an explicit
// ZeroPadding2D(1) before the 3x3 valid convolution and a 1x1/2 max pool as the shortcut.
#include "applications/application_builder.hpp"
#include "applications/resnet_stem.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"
#include "bottleneck/layers/zero_padding2d.hpp"

namespace bottleneck {

namespace {
// Keras names the strided blocks' shortcut pools automatically: max_pooling2d, max_pooling2d_1, ...
std::string next_shortcut_pool_name(int& pools) {
  std::string name = pools == 0 ? "max_pooling2d" : "max_pooling2d_" + std::to_string(pools);
  ++pools;
  return name;
}

// Keras' block2.
SymbolicTensor preactivation_block(SymbolicTensor x, int64_t filters, int64_t stride, bool conv_shortcut,
                                   const std::string& name, int& pools) {
  SymbolicTensor preact = detail::resnet_batch_normalization(x, name + "_preact_bn");
  preact = Activation("relu", name + "_preact_relu")(preact);
  SymbolicTensor shortcut = x;
  if (conv_shortcut)
    shortcut = Conv2D(4 * filters, {.kernel_h = 1, .kernel_w = 1, .stride_h = stride, .stride_w = stride,
                                    .name = name + "_0_conv"})(preact);
  else if (stride > 1)
    shortcut = MaxPooling2D({.pool_h = 1, .pool_w = 1, .stride_h = stride, .stride_w = stride,
                             .name = next_shortcut_pool_name(pools)})(x);
  x = Conv2D(filters, {.kernel_h = 1, .kernel_w = 1, .use_bias = false, .name = name + "_1_conv"})(preact);
  x = detail::resnet_batch_normalization(x, name + "_1_bn");
  x = Activation("relu", name + "_1_relu")(x);
  x = ZeroPadding2D(1, name + "_2_pad")(x);
  x = Conv2D(filters, {.stride_h = stride, .stride_w = stride, .use_bias = false, .name = name + "_2_conv"})(x);
  x = detail::resnet_batch_normalization(x, name + "_2_bn");
  x = Activation("relu", name + "_2_relu")(x);
  x = Conv2D(4 * filters, {.kernel_h = 1, .kernel_w = 1, .name = name + "_3_conv"})(x);
  return Add(name + "_out")({shortcut, x});
}

// Keras' stack2.
SymbolicTensor stack(SymbolicTensor x, int64_t filters, int blocks, int64_t last_stride, const std::string& name,
                     int& pools) {
  x = preactivation_block(x, filters, 1, true, name + "_block1", pools);
  for (int block = 2; block < blocks; ++block)
    x = preactivation_block(x, filters, 1, false, name + "_block" + std::to_string(block), pools);
  return preactivation_block(x, filters, last_stride, false, name + "_block" + std::to_string(blocks), pools);
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& resnet50v2_application() {
  static const Application application{
      .name = "resnet50v2",
      .keras_name = "ResNet50V2",
      .build = ResNet50V2,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "tf",
      .imagenet = PublishedWeights{"ResNet50V2 ImageNet notop weights",
                                   "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
                                    "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "fac2f116257151a9d068a22e544a4917",
                                   "",
                                   94668760},
      .fine_tuning_cut = "conv5_block1_preact_bn",  // the conv5 stack
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> ResNet50V2(const ApplicationOptions& options) {
  const Application& application = detail::resnet50v2_application();
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = detail::resnet_stem(inputs, {.conv_pad = "conv1_pad", .conv = "conv1_conv",
                                                  .pool_pad = "pool1_pad", .pool = "pool1_pool"});
  int pools = 0;
  x = stack(x, 64, 3, 2, "conv2", pools);
  x = stack(x, 128, 4, 2, "conv3", pools);
  x = stack(x, 256, 6, 2, "conv4", pools);
  x = stack(x, 512, 3, 1, "conv5", pools);
  x = detail::resnet_batch_normalization(x, "post_bn");
  x = Activation("relu", "post_relu")(x);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
