#pragma once
// The activation functions Dense, Conv2D and Activation apply, forward and backward, in place.
#include <cstdint>
#include <optional>

#include "backend/eltwise.hpp"
#include "bottleneck/layers/activations.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::detail {

// x = f(x); softmax works on the last axis.
void activate(ActivationKind kind, Tensor& x);
// The function as oneDNN computes it forward, where it has it: what a convolution can apply
// inside its primitive at inference.
std::optional<backend::Eltwise> inference_function(ActivationKind kind);
// True when activation_backward needs f's input; otherwise its output suffices and callers
// need not keep the input.
bool activation_backward_needs_input(ActivationKind kind);
// gradient = gradient * f'(.), given f's output and (when activation_backward_needs_input)
// its input; `input` may be empty otherwise.
void activation_backward(ActivationKind kind, const Tensor& input, const Tensor& output, Tensor& gradient);

// Softmax of data seen as (outer, width, inner) over the middle axis, in place, and its
// backward given the output.
void softmax(float* data, int64_t outer, int64_t width, int64_t inner);
void softmax_backward(const float* output, float* gradient, int64_t outer, int64_t width, int64_t inner);

}  // namespace bottleneck::detail
