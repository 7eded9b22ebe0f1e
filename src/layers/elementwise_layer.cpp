// The shared part of shape-preserving layers: checks, and the input kept for backward().
#include "bottleneck/layers/elementwise_layer.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck {

Shape ElementwiseLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1) throw Error(class_name() + " " + name() + " takes one input");
  return input_shapes[0];
}

Tensor ElementwiseLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  if (inputs.size() != 1) throw Error(class_name() + " " + name() + " takes one input");
  Tensor y = inputs[0].clone();
  apply(y);
  if (backward_follows) {
    kept_shape_ = inputs[0].shape();
    if (backward_needs_input()) input_ = inputs[0];
  }
  return y;
}

std::vector<Tensor> ElementwiseLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (kept_shape_.empty() || kept_shape_ != output_gradient.shape())
    throw Error(class_name() + " " + name() + ": backward() without a matching training forward");
  Tensor dx;
  if (need_input_gradients) {
    dx = output_gradient.clone();
    apply_backward(input_, dx);
  }
  kept_shape_.clear();
  input_ = Tensor();
  return {dx};
}

}  // namespace bottleneck
