#pragma once
// tf.image.resize as Keras' Resizing and RandomCrop call it (half_pixel_centers, no
// antialias), and Keras' crop to the target's aspect ratio first (smart_resize).
#include <cstdint>

#include "bottleneck/tensor.hpp"

namespace bottleneck::detail {

enum class Interpolation { bilinear, nearest };

// (N, H, W, C) -> (N, height, width, C).
Tensor tf_resize(const Tensor& images, int64_t height, int64_t width, Interpolation interpolation);

// The centred window of `images` with the aspect ratio of height:width, as Keras crops it
// (sizes truncated in float32, at least one pixel), then tf_resize.
Tensor tf_crop_and_resize(const Tensor& images, int64_t height, int64_t width, Interpolation interpolation);

}  // namespace bottleneck::detail
