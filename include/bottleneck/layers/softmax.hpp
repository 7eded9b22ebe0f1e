#pragma once
// keras.layers.Softmax:  x = Softmax()(x);  Softmax({1, 2})(x);
#include <string>
#include <vector>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

// Softmax over `axis` (counting the batch axis, negative from the end; default the last).
// Several axes normalise over all of them together; they must be adjacent.
class SoftmaxLayer : public ElementwiseLayer {
public:
  SoftmaxLayer(std::vector<int64_t> axis, std::string name);

  std::string class_name() const override { return "Softmax"; }
  const std::vector<int64_t>& axis() const { return axis_; }
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;

private:
  struct Extent {
    int64_t outer, width, inner;
  };
  Extent extent_of(const Shape& shape) const;  // shape with the batch axis

  std::vector<int64_t> axis_;
};

LayerHandle<SoftmaxLayer> Softmax(std::vector<int64_t> axis = {-1}, std::string name = "");

}  // namespace bottleneck
