// keras.applications.densenet.DenseNet121 without its top: ResNet's stem (conv without bias),
// then dense blocks conv2..conv5 of 6, 12, 24, 16 layers, each layer (BN, ReLU, 1x1 conv of
// 128, BN, ReLU, 3x3 conv of 32) concatenated to its input; between blocks a transition
// (BN, ReLU, 1x1 conv halving the channels, 2x2/2 average pool); then bn and relu.
#include "applications/application_builder.hpp"
#include "applications/resnet_stem.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/average_pooling2d.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "bottleneck/layers/conv2d.hpp"

namespace bottleneck {

namespace {
constexpr int64_t growth_rate = 32;

// Keras' conv_block: adds growth_rate channels.
SymbolicTensor dense_layer(const SymbolicTensor& x, const std::string& name) {
  SymbolicTensor y = detail::resnet_batch_normalization(x, name + "_0_bn");
  y = Activation("relu", name + "_0_relu")(y);
  y = Conv2D(4 * growth_rate, {.kernel_h = 1, .kernel_w = 1, .use_bias = false, .name = name + "_1_conv"})(y);
  y = detail::resnet_batch_normalization(y, name + "_1_bn");
  y = Activation("relu", name + "_1_relu")(y);
  y = Conv2D(growth_rate, {.padding = "same", .use_bias = false, .name = name + "_2_conv"})(y);
  return Concatenate(3, name + "_concat")({x, y});
}

SymbolicTensor dense_block(SymbolicTensor x, int layers, int64_t& channels, const std::string& name) {
  for (int layer = 1; layer <= layers; ++layer) x = dense_layer(x, name + "_block" + std::to_string(layer));
  channels += layers * growth_rate;
  return x;
}

// Keras' transition_block with reduction 0.5.
SymbolicTensor transition(SymbolicTensor x, int64_t& channels, const std::string& name) {
  channels /= 2;
  x = detail::resnet_batch_normalization(x, name + "_bn");
  x = Activation("relu", name + "_relu")(x);
  x = Conv2D(channels, {.kernel_h = 1, .kernel_w = 1, .use_bias = false, .name = name + "_conv"})(x);
  return AveragePooling2D({.name = name + "_pool"})(x);
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& densenet121_application() {
  static const Application application{
      .name = "densenet121",
      .keras_name = "DenseNet121",
      .build = DenseNet121,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "torch",
      .imagenet = PublishedWeights{"DenseNet121 ImageNet notop weights",
                                   "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
                                    "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "30ee3e1110167f948a6b9946edeeb738",
                                   "",
                                   29084464},
      .fine_tuning_cut = "conv5_block1_0_bn",  // the conv5 dense block
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> DenseNet121(const ApplicationOptions& options) {
  const Application& application = detail::densenet121_application();
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = detail::resnet_stem(inputs, {.conv_pad = "zero_padding2d", .conv = "conv1/conv",
                                                  .conv_use_bias = false, .bn = "conv1/bn", .relu = "conv1/relu",
                                                  .pool_pad = "zero_padding2d_1", .pool = "pool1"});
  int64_t channels = 64;
  x = dense_block(x, 6, channels, "conv2");
  x = transition(x, channels, "pool2");
  x = dense_block(x, 12, channels, "conv3");
  x = transition(x, channels, "pool3");
  x = dense_block(x, 24, channels, "conv4");
  x = transition(x, channels, "pool4");
  x = dense_block(x, 16, channels, "conv5");
  x = detail::resnet_batch_normalization(x, "bn");
  x = Activation("relu", "relu")(x);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
