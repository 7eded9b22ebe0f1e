// keras.layers.RandomCrop: a random crop in training, Keras' centred crop-and-resize otherwise.
#include "bottleneck/layers/random_crop.hpp"

#include <algorithm>

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"
#include "layers/tf_image_resize.hpp"

namespace bottleneck {

namespace {
// Larger than any image a model takes; beyond it a size is a damaged config.
constexpr int64_t max_side = 1 << 16;
}  // namespace

RandomCropLayer::RandomCropLayer(int64_t height, int64_t width, std::string name, std::optional<int64_t> seed)
    : Layer(std::move(name)), height_(height), width_(width), seed_(seed) {
  if (height <= 0 || width <= 0 || height > max_side || width > max_side)
    throw Error("RandomCrop " + this->name() + ": height and width must be in 1.." + std::to_string(max_side) +
                ", got " + std::to_string(height) + " x " + std::to_string(width));
}

Shape RandomCropLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1 || input_shapes[0].size() != 3)
    throw Error("RandomCrop " + name() + " takes one input of images (height, width, channels)");
  return {height_, width_, input_shapes[0][2]};
}

void RandomCropLayer::build(const std::vector<Shape>& /*input_shapes*/, Rng& rng) {
  rng_.seed(seed_ ? static_cast<uint64_t>(*seed_) : rng());
  built_ = true;
}

Tensor RandomCropLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  if (inputs.size() != 1 || inputs[0].rank() != 4)
    throw Error("RandomCrop " + name() + " takes one input of shape (batch, height, width, channels)");
  const Tensor& x = inputs[0];
  const int64_t n = x.dim(0), in_h = x.dim(1), in_w = x.dim(2), c = x.dim(3);
  const bool crop = training && in_h >= height_ && in_w >= width_;
  if (backward_follows) {
    input_shape_ = x.shape();
    crop_top_ = crop_left_ = -1;
  }
  if (!crop) return detail::tf_crop_and_resize(x, height_, width_, detail::Interpolation::bilinear);
  const int64_t top = std::uniform_int_distribution<int64_t>(0, in_h - height_)(rng_);
  const int64_t left = std::uniform_int_distribution<int64_t>(0, in_w - width_)(rng_);
  Tensor y = Tensor::uninitialized({n, height_, width_, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t row = 0; row < height_; ++row)
      std::copy_n(x.data() + ((b * in_h + top + row) * in_w + left) * c, width_ * c,
                  y.data() + (b * height_ + row) * width_ * c);
  if (backward_follows) {
    crop_top_ = top;
    crop_left_ = left;
  }
  return y;
}

std::vector<Tensor> RandomCropLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (input_shape_.empty()) throw Error("RandomCrop " + name() + ": backward() without a training forward");
  const Shape in = input_shape_;
  input_shape_.clear();
  if (!need_input_gradients) return {Tensor()};
  if (crop_top_ < 0) {
    if (in == output_gradient.shape()) return {output_gradient};
    throw Error("RandomCrop " + name() + ": cannot be trained through when it resizes its input " + shape_to_string(in));
  }
  Tensor dx(in);
  const int64_t n = in[0], in_h = in[1], in_w = in[2], c = in[3];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t row = 0; row < height_; ++row)
      std::copy_n(output_gradient.data() + (b * height_ + row) * width_ * c, width_ * c,
                  dx.data() + ((b * in_h + crop_top_ + row) * in_w + crop_left_) * c);
  return {dx};
}

nlohmann::json RandomCropLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["height"] = height_;
  config["width"] = width_;
  config["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return config;
}

LayerPtr RandomCropLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  detail::require_channels_last(config, "RandomCrop " + name);
  return std::make_shared<RandomCropLayer>(config.at("height").get<int64_t>(), config.at("width").get<int64_t>(), name,
                                           detail::optional_seed(config));
}

LayerHandle<RandomCropLayer> RandomCrop(int64_t height, int64_t width, std::string name) {
  return LayerHandle<RandomCropLayer>(std::make_shared<RandomCropLayer>(
      height, width, detail::layer_name_or_default(std::move(name), "random_crop")));
}

}  // namespace bottleneck
