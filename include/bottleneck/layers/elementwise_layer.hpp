#pragma once
// The base of layers whose output has their input's shape, value by value or along an axis
// (ReLU, LeakyReLU, ELU, Softmax, Rescaling, Normalization): one input, shape checks, and
// what a training forward keeps for backward() live here.
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class ElementwiseLayer : public Layer {
public:
  using Layer::Layer;

  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;

protected:
  // y = f(x) in place; x has the batch axis.
  virtual void apply(Tensor& x) const = 0;
  // gradient = dL/dx in place, given dL/dy and f's input (empty unless backward_needs_input).
  virtual void apply_backward(const Tensor& input, Tensor& gradient) const = 0;
  virtual bool backward_needs_input() const { return true; }

private:
  Shape kept_shape_;  // of the last training forward's input; empty when there is none
  Tensor input_;
};

}  // namespace bottleneck
