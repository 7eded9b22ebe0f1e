// keras.applications.vgg16.VGG16 without its top: 13 3x3 convolutions (same padding, ReLU)
// in 5 blocks, each ended by a 2x2/2 max pool. Layer names are Keras' own.
#include "applications/application_builder.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"

namespace bottleneck {

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& vgg16_application() {
  static const Application application{
      .name = "vgg16",
      .keras_name = "VGG16",
      .build = VGG16,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "caffe",
      .imagenet = PublishedWeights{"VGG16 ImageNet notop weights",
                                   "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
                                    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                    "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/"
                                    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "6d6bbae143d832006294945121d1f1fc",
                                   "",
                                   58889256},
      .fine_tuning_cut = "block5_conv1",
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> VGG16(const ApplicationOptions& options) {
  const Application& application = detail::vgg16_application();
  const int block_convs[] = {2, 2, 3, 3, 3};
  const int64_t block_filters[] = {64, 128, 256, 512, 512};
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = inputs;
  for (int block = 1; block <= 5; ++block) {
    std::string prefix = "block" + std::to_string(block);
    for (int conv = 1; conv <= block_convs[block - 1]; ++conv)
      x = Conv2D(block_filters[block - 1], {.padding = "same", .activation = "relu",
                                            .name = prefix + "_conv" + std::to_string(conv)})(x);
    x = MaxPooling2D({.name = prefix + "_pool"})(x);
  }
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
