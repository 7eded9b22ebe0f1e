// keras.applications.vgg16.VGG16 without its top: 13 3x3 convolutions (same padding, ReLU)
// in 5 blocks, each ended by a 2x2/2 max pool. Layer names are Keras' own.
#include "applications/application_builder.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/convolutional.hpp"
#include "bottleneck/layers/pooling.hpp"

namespace bottleneck {

std::unique_ptr<Model> VGG16(const ApplicationOptions& options) {
  if (options.include_top) throw Error("VGG16: include_top=true is not provided; use the convolutional base");
  Shape shape = options.input_shape.value_or(Shape{224, 224, 3});
  if (shape.size() != 3 || shape[2] != 3 || shape[0] < 32 || shape[1] < 32)
    throw Error("VGG16 needs an input of at least 32x32 with 3 channels, got " + shape_to_string(shape));

  const int block_convs[] = {2, 2, 3, 3, 3};
  const int64_t block_filters[] = {64, 128, 256, 512, 512};
  SymbolicTensor inputs = Input(shape, "input_1");
  SymbolicTensor x = inputs;
  for (int block = 1; block <= 5; ++block) {
    std::string prefix = "block" + std::to_string(block);
    for (int conv = 1; conv <= block_convs[block - 1]; ++conv)
      x = Conv2D(block_filters[block - 1], {.padding = "same", .activation = "relu",
                                            .name = prefix + "_conv" + std::to_string(conv)})(x);
    x = MaxPooling2D({.name = prefix + "_pool"})(x);
  }
  return finish_application("vgg16", inputs, x, options);
}

}  // namespace bottleneck
