#pragma once
// keras.layers.RandomCrop:  x = RandomCrop(200, 200)(inputs);
#include <optional>
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Images (H, W, C) -> (height, width, C). At inference, and in training when an image is
// smaller than the target, Keras crops the largest centred window of the target's aspect
// ratio and resizes it bilinearly; in training it crops every image of a batch at one random
// place. Backward passes through the training crop (and through an inference resize that
// keeps the size, the identity); not through a real resize.
class RandomCropLayer : public Layer {
public:
  RandomCropLayer(int64_t height, int64_t width, std::string name, std::optional<int64_t> seed = {});

  std::string class_name() const override { return "RandomCrop"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  int64_t height_, width_;
  std::optional<int64_t> seed_;
  Rng rng_;
  // What backward() needs of the last training forward: the input's shape and where the crop
  // began; crop_top < 0 when the forward resized instead.
  Shape input_shape_;
  int64_t crop_top_ = -1, crop_left_ = -1;
};

LayerHandle<RandomCropLayer> RandomCrop(int64_t height, int64_t width, std::string name = "");

}  // namespace bottleneck
