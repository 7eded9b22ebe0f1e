#pragma once
// keras.layers.Resizing:  x = Resizing({.height = 224, .width = 224})(inputs);
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

struct ResizingOptions {
  int64_t height = 0;
  int64_t width = 0;
  std::string interpolation = "bilinear";  // or "nearest"
  bool crop_to_aspect_ratio = false;       // centre-crop to height:width first, as Keras
  std::string name;
};

// Images (H, W, C) -> (height, width, C) as TensorFlow's tf.image.resize computes it
// (half-pixel centres, no antialiasing). Inference only: no backward pass.
class ResizingLayer : public Layer {
public:
  explicit ResizingLayer(ResizingOptions options);

  std::string class_name() const override { return "Resizing"; }
  const ResizingOptions& options() const { return options_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  ResizingOptions options_;
};

LayerHandle<ResizingLayer> Resizing(ResizingOptions options);

}  // namespace bottleneck
