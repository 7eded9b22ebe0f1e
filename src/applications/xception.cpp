// keras.applications.xception.Xception without its top. Entry flow: two 3x3 convolutions, then
// three blocks of separable convolutions ended by a 3x3/2 max pool and joined with a strided
// 1x1 convolution + BatchNormalization shortcut by Add; middle flow: eight residual blocks of
// three separable convolutions; exit flow: one more strided block, then two separable
// convolutions. The shortcut layers are unnamed in Keras (conv2d, batch_normalization, add).
#include "applications/application_builder.hpp"
#include "applications/automatic_names.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"
#include "bottleneck/layers/separable_conv2d.hpp"

namespace bottleneck {

namespace {

SymbolicTensor separable_conv_bn(SymbolicTensor x, int64_t filters, const std::string& name) {
  x = SeparableConv2D(filters, {.padding = "same", .use_bias = false, .name = name})(x);
  return BatchNormalization({.name = name + "_bn"})(x);
}

// An entry or exit flow block: [relu,] separable conv, relu, separable conv, max pool 3/2,
// plus the strided 1x1 shortcut. Block 2 starts without the first relu (it follows one).
SymbolicTensor strided_block(SymbolicTensor x, int block, int64_t filters1, int64_t filters2, bool first_relu,
                             detail::AutomaticNames& names) {
  const std::string prefix = "block" + std::to_string(block) + "_";
  SymbolicTensor residual = Conv2D(filters2, {.kernel_h = 1, .kernel_w = 1, .stride_h = 2, .stride_w = 2,
                                              .padding = "same", .use_bias = false, .name = names("conv2d")})(x);
  residual = BatchNormalization({.name = names("batch_normalization")})(residual);
  if (first_relu) x = Activation("relu", prefix + "sepconv1_act")(x);
  x = separable_conv_bn(x, filters1, prefix + "sepconv1");
  x = Activation("relu", prefix + "sepconv2_act")(x);
  x = separable_conv_bn(x, filters2, prefix + "sepconv2");
  x = MaxPooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same",
                    .name = prefix + "pool"})(x);
  return Add(names("add"))({x, residual});
}

// A middle flow block: three times relu, separable conv 728, BatchNormalization; plus x.
SymbolicTensor middle_block(SymbolicTensor x, int block, detail::AutomaticNames& names) {
  const std::string prefix = "block" + std::to_string(block) + "_sepconv";
  SymbolicTensor residual = x;
  for (int conv = 1; conv <= 3; ++conv) {
    x = Activation("relu", prefix + std::to_string(conv) + "_act")(x);
    x = separable_conv_bn(x, 728, prefix + std::to_string(conv));
  }
  return Add(names("add"))({x, residual});
}

SymbolicTensor conv_bn_relu(SymbolicTensor x, int64_t filters, int64_t stride, const std::string& name) {
  x = Conv2D(filters, {.stride_h = stride, .stride_w = stride, .use_bias = false, .name = name})(x);
  x = BatchNormalization({.name = name + "_bn"})(x);
  return Activation("relu", name + "_act")(x);
}

}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp. Fine-tuning trains the exit flow's
// last two separable convolutions (block14), everything after the last Add.
const Application& xception_application() {
  static const Application application{
      .name = "xception",
      .keras_name = "Xception",
      .build = Xception,
      .default_size = {299, 299},
      .minimum_size = 71,
      .preprocess = "tf",
      .imagenet = PublishedWeights{"Xception ImageNet notop weights",
                                   "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/xception/"
                                    "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "b0042744bf5b25fce3cb969f33bebb97",
                                   "",
                                   83683744},
      .fine_tuning_cut = "block14_sepconv1",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> Xception(const ApplicationOptions& options) {
  const Application& application = detail::xception_application();
  detail::AutomaticNames names;
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = conv_bn_relu(inputs, 32, 2, "block1_conv1");
  x = conv_bn_relu(x, 64, 1, "block1_conv2");
  x = strided_block(x, 2, 128, 128, false, names);
  x = strided_block(x, 3, 256, 256, true, names);
  x = strided_block(x, 4, 728, 728, true, names);
  for (int block = 5; block <= 12; ++block) x = middle_block(x, block, names);
  x = strided_block(x, 13, 728, 1024, true, names);
  x = separable_conv_bn(x, 1536, "block14_sepconv1");
  x = Activation("relu", "block14_sepconv1_act")(x);
  x = separable_conv_bn(x, 2048, "block14_sepconv2");
  x = Activation("relu", "block14_sepconv2_act")(x);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
