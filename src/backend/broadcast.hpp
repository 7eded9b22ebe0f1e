#pragma once
// Elementwise binary operations with NumPy broadcasting (Keras' merge layers) through oneDNN's
// binary and reduction primitives, on tensors of equal rank.
#include <optional>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

enum class BinaryOp { add, subtract, multiply, divide, maximum, minimum };

// NumPy's broadcast of two equal-rank shapes (each axis equal, or 1 on one side); nullopt
// when they are incompatible.
std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);

// `a` op `b`, where `a` already has the result's shape and `b` may have 1 on any axis.
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);

// `x` repeated along its axes of size 1 up to `shape`.
Tensor broadcast_to(const Tensor& x, const Shape& shape);

// broadcast_to's adjoint: `gradient` summed over the axes where `shape` has 1 (the tensor
// itself when the shapes are equal).
Tensor sum_to(const Tensor& gradient, const Shape& shape);

}  // namespace bottleneck::backend
