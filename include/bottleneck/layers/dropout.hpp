#pragma once
// keras.layers.Dropout:  x = Dropout(0.5)(x);  Dropout(0.2, {std::nullopt, 1, 1, 1})(x);
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Keras' noise_shape, with the batch axis: nullopt (None) takes the input's size; a 1 shares
// one draw along that axis, e.g. {nullopt, 1, 1, 1} drops whole samples. Empty: every value.
using NoiseShape = std::vector<std::optional<int64_t>>;

// Dropout(rate): in training, zeroes each value (or each group of values sharing a draw of
// noise_shape) with probability `rate` and scales the kept ones by 1 / (1 - rate); identity in
// inference. The mask comes from a generator seeded at build (from `seed` when the config
// gives one), so a seeded model drops the same units run after run.
class DropoutLayer : public Layer {
public:
  DropoutLayer(double rate, std::string name, NoiseShape noise_shape = {}, std::optional<int64_t> seed = {});

  std::string class_name() const override { return "Dropout"; }
  double rate() const { return rate_; }
  const NoiseShape& noise_shape() const { return noise_shape_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  // The shape of one draw for an input of `input_shape` (with the batch axis).
  virtual Shape draw_shape(const Shape& input_shape) const;

private:
  double rate_;
  NoiseShape noise_shape_;
  std::optional<int64_t> seed_;
  Rng rng_;
  Tensor mask_;  // 0 or 1 / (1 - rate) per value, from the last training forward
};

LayerHandle<DropoutLayer> Dropout(double rate, std::string name = "");
LayerHandle<DropoutLayer> Dropout(double rate, NoiseShape noise_shape, std::string name = "");

}  // namespace bottleneck
