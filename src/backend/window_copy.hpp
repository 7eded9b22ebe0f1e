#pragma once
// A box of a tensor copied out (Cropping2D, and the parts of a Concatenate's gradient) or a
// tensor copied into a zero box (ZeroPadding2D), as oneDNN reorders between a tensor and a
// sub-memory of another. Any rank; `offsets` is where the box starts on each axis.
#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

// x[offsets : offsets + box_shape]
Tensor crop(const Tensor& x, const Shape& offsets, const Shape& box_shape);
// A zero tensor of `shape` with x written at `offsets`.
Tensor zero_pad(const Tensor& x, const Shape& offsets, const Shape& shape);

}  // namespace bottleneck::backend
