#pragma once
// keras.layers.Normalization:  x = Normalization()(x);  (EfficientNet's stem)
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

struct NormalizationOptions {
  // The axes that keep their own mean and variance, counting the batch axis (Keras' axis);
  // empty: one mean and variance for all values.
  std::vector<int64_t> axis{-1};
  // Given here, they are constants and the layer has no weights; otherwise the weights mean,
  // variance and count hold them (loaded from a file: Keras' adapt() is not run here).
  std::optional<std::vector<double>> mean;
  std::optional<std::vector<double>> variance;
  bool invert = false;
  std::string name;
};

// (x - mean) / max(sqrt(variance), 1e-7), or with invert x * max(sqrt(variance), 1e-7) + mean.
// The weights, all non-trainable, in Keras' order: mean and variance (shaped as the kept
// axes), count (a scalar: Keras' int64 held as float32, exact up to 2^24, which is all
// that forward() ignores anyway).
class NormalizationLayer : public ElementwiseLayer {
public:
  explicit NormalizationLayer(NormalizationOptions options);

  std::string class_name() const override { return "Normalization"; }
  const NormalizationOptions& options() const { return options_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  std::vector<Parameter*> parameters() override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  Parameter& mean() { return mean_; }
  Parameter& variance() { return variance_; }
  Parameter& count() { return count_; }

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;
  bool backward_needs_input() const override { return false; }

private:
  Shape statistics_shape(const Shape& input_shape) const;  // input_shape without the batch axis
  // Per value of one sample: the mean and the divisor max(sqrt(variance), 1e-7).
  struct Broadcast {
    std::vector<float> mean, divisor;
  };
  Broadcast broadcast(const Shape& shape) const;  // shape with the batch axis

  NormalizationOptions options_;
  Parameter mean_{"mean", {}, {}, false};
  Parameter variance_{"variance", {}, {}, false};
  Parameter count_{"count", {}, {}, false};
};

LayerHandle<NormalizationLayer> Normalization(NormalizationOptions options = {});

}  // namespace bottleneck
