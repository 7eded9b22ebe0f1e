// keras.applications.resnet.ResNet50 without its top: the stem (7x7/2 conv, BN, ReLU, 3x3/2
// max pool), then stacks conv2..conv5 of 3, 4, 6, 3 bottleneck blocks (1x1, 3x3, 1x1 4x-wide
// convolutions, each with BN) added to their shortcut and passed through ReLU. The first block
// of a stack has a 1x1 conv + BN shortcut and, from conv3 on, strides its first convolution.
#include "applications/application_builder.hpp"
#include "applications/resnet_stem.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/conv2d.hpp"

namespace bottleneck {

namespace {
// Keras' block1.
SymbolicTensor bottleneck_block(SymbolicTensor x, int64_t filters, int64_t stride, bool conv_shortcut,
                                const std::string& name) {
  SymbolicTensor shortcut = x;
  if (conv_shortcut) {
    shortcut = Conv2D(4 * filters, {.kernel_h = 1, .kernel_w = 1, .stride_h = stride, .stride_w = stride,
                                    .name = name + "_0_conv"})(x);
    shortcut = detail::resnet_batch_normalization(shortcut, name + "_0_bn");
  }
  x = Conv2D(filters, {.kernel_h = 1, .kernel_w = 1, .stride_h = stride, .stride_w = stride,
                       .name = name + "_1_conv"})(x);
  x = detail::resnet_batch_normalization(x, name + "_1_bn");
  x = Activation("relu", name + "_1_relu")(x);
  x = Conv2D(filters, {.padding = "same", .name = name + "_2_conv"})(x);
  x = detail::resnet_batch_normalization(x, name + "_2_bn");
  x = Activation("relu", name + "_2_relu")(x);
  x = Conv2D(4 * filters, {.kernel_h = 1, .kernel_w = 1, .name = name + "_3_conv"})(x);
  x = detail::resnet_batch_normalization(x, name + "_3_bn");
  x = Add(name + "_add")({shortcut, x});
  return Activation("relu", name + "_out")(x);
}

// Keras' stack1.
SymbolicTensor stack(SymbolicTensor x, int64_t filters, int blocks, int64_t first_stride, const std::string& name) {
  x = bottleneck_block(x, filters, first_stride, true, name + "_block1");
  for (int block = 2; block <= blocks; ++block)
    x = bottleneck_block(x, filters, 1, false, name + "_block" + std::to_string(block));
  return x;
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& resnet50_application() {
  static const Application application{
      .name = "resnet50",
      .keras_name = "ResNet50",
      .build = ResNet50,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "caffe",
      .imagenet = PublishedWeights{"ResNet50 ImageNet notop weights",
                                   "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
                                    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "4d473c1dd8becc155b73f8504c6f6626",
                                   "",
                                   94765736},
      .fine_tuning_cut = "conv5_block1_1_conv",  // the conv5 stack
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> ResNet50(const ApplicationOptions& options) {
  const Application& application = detail::resnet50_application();
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = detail::resnet_stem(inputs, {.conv_pad = "conv1_pad", .conv = "conv1_conv", .bn = "conv1_bn",
                                                  .relu = "conv1_relu", .pool_pad = "pool1_pad", .pool = "pool1_pool"});
  x = stack(x, 64, 3, 1, "conv2");
  x = stack(x, 128, 4, 2, "conv3");
  x = stack(x, 256, 6, 2, "conv4");
  x = stack(x, 512, 3, 2, "conv5");
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
