#pragma once
// The activation functions Dense and Activation apply, forward and backward, in place.
#include "bottleneck/layers/activations.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::detail {

// x = f(x); softmax works on the last axis.
void activate(ActivationKind kind, Tensor& x);
// gradient = gradient * f'(.), given the activation's output y = f(x).
void activation_backward(ActivationKind kind, const Tensor& y, Tensor& gradient);

}  // namespace bottleneck::detail
