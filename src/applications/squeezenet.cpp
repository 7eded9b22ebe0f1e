// SqueezeNet v1.1 without its classifier, laid out as the keras-squeezenet port names it so
// its published weights load by name: conv1 3x3/2 + ReLU, pool1, fire2-3, pool3, fire4-5,
// pool5, fire6-9. A fire module squeezes with 1x1 convolutions, then concatenates 1x1 and
// 3x3 expansions.
#include "applications/application_builder.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"

namespace bottleneck {

namespace {
SymbolicTensor fire_module(SymbolicTensor x, int id, int64_t squeeze, int64_t expand) {
  const std::string f = "fire" + std::to_string(id) + "/";
  x = Conv2D(squeeze, {.kernel_h = 1, .kernel_w = 1, .name = f + "squeeze1x1"})(x);
  x = Activation("relu", f + "relu_squeeze1x1")(x);
  SymbolicTensor left = Conv2D(expand, {.kernel_h = 1, .kernel_w = 1, .name = f + "expand1x1"})(x);
  left = Activation("relu", f + "relu_expand1x1")(left);
  SymbolicTensor right = Conv2D(expand, {.padding = "same", .name = f + "expand3x3"})(x);
  right = Activation("relu", f + "relu_expand3x3")(right);
  return Concatenate(f + "concat")({left, right});
}

SymbolicTensor pool(SymbolicTensor x, const std::string& name) {
  return MaxPooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .name = name})(x);
}
}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& squeezenet_application() {
  static const Application application{
      .name = "squeezenet",
      .keras_name = "SqueezeNet",
      .build = SqueezeNet,
      .default_size = {227, 227},
      .minimum_size = 32,
      .preprocess = "caffe",
      .imagenet = PublishedWeights{"SqueezeNet v1.1 ImageNet notop weights",
                                   "squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://github.com/DeepCognition/keras-squeezenet/releases/download/v0.4/"
                                    "squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "",
                                   "17154246284f555591549ac2c83e127abfbf4307dc4b0060fdaa2931d0fa38da",
                                   3002560},
      .fine_tuning_cut = "fire9/squeeze1x1",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> SqueezeNet(const ApplicationOptions& options) {
  const Application& application = detail::squeezenet_application();
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = Conv2D(64, {.stride_h = 2, .stride_w = 2, .name = "conv1"})(inputs);
  x = Activation("relu", "relu_conv1")(x);
  x = pool(x, "pool1");
  x = fire_module(x, 2, 16, 64);
  x = fire_module(x, 3, 16, 64);
  x = pool(x, "pool3");
  x = fire_module(x, 4, 32, 128);
  x = fire_module(x, 5, 32, 128);
  x = pool(x, "pool5");
  x = fire_module(x, 6, 48, 192);
  x = fire_module(x, 7, 48, 192);
  x = fire_module(x, 8, 64, 256);
  x = fire_module(x, 9, 64, 256);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
