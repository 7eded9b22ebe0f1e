// keras.applications.vgg16.VGG16 without its top: 13 3x3 convolutions (same padding, ReLU)
// in 5 blocks, each ended by a 2x2/2 max pool. Layer names are Keras' own.
#include "applications/application_builder.hpp"
#include "applications/vgg_blocks.hpp"

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
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = detail::vgg_blocks(inputs, {2, 2, 3, 3, 3});
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
