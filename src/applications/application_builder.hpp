#pragma once
// What every network's builder shares: its input from the options, and after laying out its
// layers the optional global pooling on top, the Model, and its weights.
#include "bottleneck/applications.hpp"
#include "bottleneck/layers/sides2d.hpp"

namespace bottleneck::detail {

// Input(shape) for options.input_shape or the network's default size, named as Keras names
// it; Error when include_top is asked for or the shape is below the network's minimum.
SymbolicTensor application_input(const Application& application, const ApplicationOptions& options);

std::unique_ptr<Model> finish_application(const Application& application, const SymbolicTensor& inputs,
                                          SymbolicTensor x, const ApplicationOptions& options);

// options.alpha for the networks that take a width multiplier; Error unless positive.
double positive_alpha(const Application& application, const ApplicationOptions& options);

// Keras' imagenet_utils.correct_pad: the ZeroPadding2D before a stride-2 `kernel` x `kernel`
// valid convolution on a (height, width, channels) map, one row/column less on top/left of an
// even side.
Sides2D correct_pad(const Shape& shape, int64_t kernel);

// Keras' _make_divisible (MobileNetV2) and round_filters (EfficientNet): `value` rounded to the
// nearest multiple of `divisor`, at least `divisor`, never more than 10% below `value`.
int64_t make_divisible(double value, int64_t divisor = 8);

}  // namespace bottleneck::detail
