// SqueezeNet v1.1 without its classifier, laid out as the keras-squeezenet port names it so
// its published weights load by name: conv1 3x3/2 + ReLU, pool1, fire2-3, pool3, fire4-5,
// pool5, fire6-9. A fire module squeezes with 1x1 convolutions, then concatenates 1x1 and
// 3x3 expansions.
#include "applications/application_builder.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/convolutional.hpp"
#include "bottleneck/layers/core.hpp"
#include "bottleneck/layers/merging.hpp"
#include "bottleneck/layers/pooling.hpp"

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

std::unique_ptr<Model> SqueezeNet(const ApplicationOptions& options) {
  if (options.include_top) throw Error("SqueezeNet: include_top=true is not provided; use the convolutional base");
  Shape shape = options.input_shape.value_or(Shape{227, 227, 3});
  if (shape.size() != 3 || shape[2] != 3 || shape[0] < 32 || shape[1] < 32)
    throw Error("SqueezeNet needs an input of at least 32x32 with 3 channels, got " + shape_to_string(shape));

  SymbolicTensor inputs = Input(shape, "input_1");
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
  return finish_application("squeezenet", inputs, x, options);
}

}  // namespace bottleneck
