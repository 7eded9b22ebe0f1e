#pragma once
// What Keras' elementwise merge layers share (keras.layers.Merge): Add, Subtract, Multiply,
// Average, Maximum and Minimum combine their inputs with NumPy broadcasting, so a (1, 1, C)
// squeeze-excite gate scales an (H, W, C) feature map. Inputs of lower rank get axes of size
// 1 after the batch axis first, as Keras' expand_dims(x, axis=1) does.
#include <memory>
#include <string>
#include <vector>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

namespace backend {
enum class BinaryOp;
}

class MergeLayer : public Layer {
public:
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  // Each input's gradient is summed over the axes it was broadcast along.
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;

protected:
  // The result is inputs[0] op inputs[1] op ...; `exact_inputs` 0 takes any number from one,
  // else exactly that many (Subtract: 2).
  MergeLayer(backend::BinaryOp op, std::string name, size_t exact_inputs = 0);

  // From the op's result over all inputs to the layer's output (Average divides).
  virtual Tensor finish(const Tensor& reduced, size_t /*input_count*/) const { return reduced; }
  // dLoss/dInput i before the sum over broadcast axes, of the output's shape; `inputs`
  // have the output's rank, `output` is the forward's result.
  virtual std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                                  const Tensor& output) const = 0;
  template <typename L>
  static LayerPtr from_config_of(const nlohmann::json& config) {
    return std::make_shared<L>(config.at("name").get<std::string>());
  }

private:
  void check_input_count(size_t count) const;

  backend::BinaryOp op_;
  size_t exact_inputs_;
  std::vector<Tensor> saved_inputs_;  // at the output's rank, of the last training forward
  std::vector<Shape> saved_input_shapes_;  // as they came
  Tensor saved_output_;
};

// Maximum and Minimum, whose output is one of the inputs at each position: all of the gradient
// goes to the first input equal to the output (the one TensorFlow's chained maximum/minimum
// selects), none to the others.
class SelectingMergeLayer : public MergeLayer {
protected:
  using MergeLayer::MergeLayer;
  std::vector<Tensor> broadcast_gradients(const Tensor& output_gradient, const std::vector<Tensor>& inputs,
                                          const Tensor& output) const override;
};

}  // namespace bottleneck
