// keras.applications.vgg19.VGG19 without its top: VGG16's five blocks with four convolutions
// (not three) in blocks 3 to 5: 16 3x3 convolutions in all. Layer names are Keras' own.
#include "applications/application_builder.hpp"
#include "applications/vgg_blocks.hpp"

namespace bottleneck {

namespace detail {

// The network's record, listed in application_registry.cpp.
const Application& vgg19_application() {
  static const Application application{
      .name = "vgg19",
      .keras_name = "VGG19",
      .build = VGG19,
      .default_size = {224, 224},
      .minimum_size = 32,
      .preprocess = "caffe",
      .imagenet = PublishedWeights{"VGG19 ImageNet notop weights",
                                   "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                   {"https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
                                    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"},
                                   "253f8cb515780f3b799900260a226db6",
                                   "",
                                   80134624},
      .fine_tuning_cut = "block5_conv1",  // the last block, as for VGG16
  };
  return application;
}

}  // namespace detail

std::unique_ptr<Model> VGG19(const ApplicationOptions& options) {
  const Application& application = detail::vgg19_application();
  SymbolicTensor inputs = detail::application_input(application, options);
  SymbolicTensor x = detail::vgg_blocks(inputs, {2, 2, 4, 4, 4});
  return detail::finish_application(application, inputs, x, options);
}

}  // namespace bottleneck
