#pragma once
// keras.layers.ELU:  x = ELU(1.0f)(x);
#include <string>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

// x > 0 -> x, otherwise alpha * (exp(x) - 1).
class ELULayer : public ElementwiseLayer {
public:
  ELULayer(float alpha, std::string name);

  std::string class_name() const override { return "ELU"; }
  float alpha() const { return alpha_; }
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;

private:
  float alpha_;
};

LayerHandle<ELULayer> ELU(float alpha = 1.0f, std::string name = "");

}  // namespace bottleneck
