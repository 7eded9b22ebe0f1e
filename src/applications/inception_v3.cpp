// keras.applications.inception_v3.InceptionV3 without its top. Every convolution is Keras'
// conv2d_bn: Conv2D without bias, BatchNormalization(scale=False), relu, all automatically
// named (conv2d_N, batch_normalization_N, activation_N); the inception blocks are named
// mixed0 ... mixed10 (and mixed9_0, mixed9_1 inside the last two).
#include "applications/application_builder.hpp"
#include "applications/automatic_names.hpp"
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/average_pooling2d.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"

namespace bottleneck {

namespace {

constexpr int channel_axis = 3;

class InceptionBuilder {
public:
  SymbolicTensor conv2d_bn(SymbolicTensor x, int64_t filters, int64_t rows, int64_t cols,
                           const std::string& padding = "same", int64_t stride = 1) {
    x = Conv2D(filters, {.kernel_h = rows, .kernel_w = cols, .stride_h = stride, .stride_w = stride,
                         .padding = padding, .use_bias = false, .name = names_("conv2d")})(x);
    x = BatchNormalization({.axis = channel_axis, .scale = false, .name = names_("batch_normalization")})(x);
    return Activation("relu", names_("activation"))(x);
  }

  SymbolicTensor max_pool(SymbolicTensor x) {
    return MaxPooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .name = names_("max_pooling2d")})(x);
  }

  // The pooled branch of the stride-1 blocks: average pool 3x3/1 same, then a 1x1 conv2d_bn.
  SymbolicTensor pool_branch(SymbolicTensor x, int64_t filters) {
    x = AveragePooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 1, .stride_w = 1, .padding = "same",
                          .name = names_("average_pooling2d")})(x);
    return conv2d_bn(x, filters, 1, 1);
  }

  SymbolicTensor concatenate(const std::vector<SymbolicTensor>& branches, const std::string& name = "") {
    return Concatenate(channel_axis, name.empty() ? names_("concatenate") : name)(branches);
  }

  // mixed0-2 (35x35): 1x1, 5x5, double 3x3 and pooled branches.
  SymbolicTensor block_35(SymbolicTensor x, int64_t pool_filters, const std::string& name) {
    SymbolicTensor branch1x1 = conv2d_bn(x, 64, 1, 1);
    SymbolicTensor branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5);
    SymbolicTensor branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
    SymbolicTensor branch_pool = pool_branch(x, pool_filters);
    return concatenate({branch1x1, branch5x5, branch3x3dbl, branch_pool}, name);
  }

  // mixed3 (35x35 -> 17x17).
  SymbolicTensor reduction_35(SymbolicTensor x) {
    SymbolicTensor branch3x3 = conv2d_bn(x, 384, 3, 3, "valid", 2);
    SymbolicTensor branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, "valid", 2);
    SymbolicTensor branch_pool = max_pool(x);
    return concatenate({branch3x3, branch3x3dbl, branch_pool}, "mixed3");
  }

  // mixed4-7 (17x17): factorised 7x7 branches of `width` channels inside.
  SymbolicTensor block_17(SymbolicTensor x, int64_t width, const std::string& name) {
    SymbolicTensor branch1x1 = conv2d_bn(x, 192, 1, 1);
    SymbolicTensor branch7x7 = conv2d_bn(conv2d_bn(conv2d_bn(x, width, 1, 1), width, 1, 7), 192, 7, 1);
    SymbolicTensor branch7x7dbl = conv2d_bn(x, width, 1, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7);
    SymbolicTensor branch_pool = pool_branch(x, 192);
    return concatenate({branch1x1, branch7x7, branch7x7dbl, branch_pool}, name);
  }

  // mixed8 (17x17 -> 8x8).
  SymbolicTensor reduction_17(SymbolicTensor x) {
    SymbolicTensor branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, "valid", 2);
    SymbolicTensor branch7x7x3 = conv2d_bn(x, 192, 1, 1);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, "valid", 2);
    SymbolicTensor branch_pool = max_pool(x);
    return concatenate({branch3x3, branch7x7x3, branch_pool}, "mixed8");
  }

  // mixed9 and mixed10 (8x8): 3x3 branches split into parallel 1x3 and 3x1 convolutions.
  SymbolicTensor block_8(SymbolicTensor x, int index) {
    SymbolicTensor branch1x1 = conv2d_bn(x, 320, 1, 1);
    SymbolicTensor branch3x3 = conv2d_bn(x, 384, 1, 1);
    branch3x3 = concatenate({conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)},
                            "mixed9_" + std::to_string(index));
    SymbolicTensor branch3x3dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3);
    branch3x3dbl = concatenate({conv2d_bn(branch3x3dbl, 384, 1, 3), conv2d_bn(branch3x3dbl, 384, 3, 1)});
    SymbolicTensor branch_pool = pool_branch(x, 192);
    return concatenate({branch1x1, branch3x3, branch3x3dbl, branch_pool}, "mixed" + std::to_string(9 + index));
  }

private:
  detail::AutomaticNames names_;
};

}  // namespace

namespace detail {

// The network's record, listed in application_registry.cpp. Fine-tuning trains the top two
// inception blocks (mixed9, mixed10) as Keras' applications guide does (model.layers[249:]):
// conv2d_80 is the first layer after mixed8 in Keras' layer order.
const Application& inception_v3_application() {
  static const Application application{
      .name = "inceptionv3",
      .keras_name = "InceptionV3",
      .build = InceptionV3,
      .default_size = {299, 299},
      .minimum_size = 75,
      .preprocess = "tf",
      .imagenet = PublishedWeights{"InceptionV3 ImageNet notop weights",
                                   "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
                                    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "bcbd6486424b2319ff4ef7d526e38f63",
                                   "",
                                   87910968},
      .fine_tuning_cut = "conv2d_80",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> InceptionV3(const ApplicationOptions& options) {
  const Application& application = detail::inception_v3_application();
  InceptionBuilder net;
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = net.conv2d_bn(inputs, 32, 3, 3, "valid", 2);
  x = net.conv2d_bn(x, 32, 3, 3, "valid");
  x = net.conv2d_bn(x, 64, 3, 3);
  x = net.max_pool(x);
  x = net.conv2d_bn(x, 80, 1, 1, "valid");
  x = net.conv2d_bn(x, 192, 3, 3, "valid");
  x = net.max_pool(x);
  x = net.block_35(x, 32, "mixed0");
  x = net.block_35(x, 64, "mixed1");
  x = net.block_35(x, 64, "mixed2");
  x = net.reduction_35(x);
  x = net.block_17(x, 128, "mixed4");
  x = net.block_17(x, 160, "mixed5");
  x = net.block_17(x, 160, "mixed6");
  x = net.block_17(x, 192, "mixed7");
  x = net.reduction_17(x);
  x = net.block_8(x, 0);
  x = net.block_8(x, 1);
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
