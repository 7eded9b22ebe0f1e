// TensorFlow's resize_bilinear / resize_nearest_neighbor kernels (half_pixel_centers=True,
// align_corners=False), in the same float32 arithmetic, and Keras' aspect-ratio crop.
#include "layers/tf_image_resize.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "bottleneck/error.hpp"

namespace bottleneck::detail {

namespace {

// What each output row or column reads: TF's compute_interpolation_weights.
struct Source {
  int64_t lower, upper;
  float lerp;
};

std::vector<Source> bilinear_sources(int64_t in, int64_t out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  std::vector<Source> sources(out);
  for (int64_t i = 0; i < out; ++i) {
    const float position = (static_cast<float>(i) + 0.5f) * scale - 0.5f;
    const float floor = std::floor(position);
    sources[i] = {std::max<int64_t>(static_cast<int64_t>(floor), 0),
                  std::min<int64_t>(static_cast<int64_t>(std::ceil(position)), in - 1), position - floor};
  }
  return sources;
}

// TF's nearest neighbour with half-pixel centres: floor((i + 0.5) * scale), clamped.
std::vector<Source> nearest_sources(int64_t in, int64_t out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  std::vector<Source> sources(out);
  for (int64_t i = 0; i < out; ++i) {
    const int64_t at = std::clamp<int64_t>(static_cast<int64_t>(std::floor((static_cast<float>(i) + 0.5f) * scale)), 0, in - 1);
    sources[i] = {at, at, 0.0f};
  }
  return sources;
}

}  // namespace

Tensor tf_resize(const Tensor& images, int64_t height, int64_t width, Interpolation interpolation) {
  if (images.rank() != 4) throw Error("resize expects (batch, height, width, channels), got " + shape_to_string(images.shape()));
  const int64_t n = images.dim(0), in_h = images.dim(1), in_w = images.dim(2), c = images.dim(3);
  if (in_h <= 0 || in_w <= 0) throw Error("resize: the image is empty: " + shape_to_string(images.shape()));
  const auto sources = interpolation == Interpolation::bilinear ? bilinear_sources : nearest_sources;
  const std::vector<Source> rows = sources(in_h, height), columns = sources(in_w, width);
  Tensor out = Tensor::uninitialized({n, height, width, c});
#pragma omp parallel for collapse(2) if (out.size() > (1 << 15))
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t y = 0; y < height; ++y) {
      const float* image = images.data() + b * in_h * in_w * c;
      const float* top = image + rows[y].lower * in_w * c;
      const float* bottom = image + rows[y].upper * in_w * c;
      float* target = out.data() + (b * height + y) * width * c;
      for (int64_t x = 0; x < width; ++x) {
        const Source& s = columns[x];
        for (int64_t k = 0; k < c; ++k) {
          // TF's compute_lerp, term for term.
          const float top_left = top[s.lower * c + k], top_right = top[s.upper * c + k];
          const float bottom_left = bottom[s.lower * c + k], bottom_right = bottom[s.upper * c + k];
          const float upper = top_left + (top_right - top_left) * s.lerp;
          const float lower = bottom_left + (bottom_right - bottom_left) * s.lerp;
          target[x * c + k] = upper + (lower - upper) * rows[y].lerp;
        }
      }
    }
  }
  return out;
}

Tensor tf_crop_and_resize(const Tensor& images, int64_t height, int64_t width, Interpolation interpolation) {
  if (images.rank() != 4) throw Error("resize expects (batch, height, width, channels), got " + shape_to_string(images.shape()));
  const int64_t n = images.dim(0), in_h = images.dim(1), in_w = images.dim(2), c = images.dim(3);
  const auto truncate = [](float v) { return static_cast<int64_t>(v); };
  const int64_t crop_h =
      std::max<int64_t>(std::min(in_h, truncate(static_cast<float>(in_w * height) / static_cast<float>(width))), 1);
  const int64_t crop_w =
      std::max<int64_t>(std::min(in_w, truncate(static_cast<float>(in_h * width) / static_cast<float>(height))), 1);
  const int64_t top = truncate(static_cast<float>(in_h - crop_h) / 2.0f);
  const int64_t left = truncate(static_cast<float>(in_w - crop_w) / 2.0f);
  Tensor crop = Tensor::uninitialized({n, crop_h, crop_w, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < crop_h; ++y)
      std::copy_n(images.data() + ((b * in_h + top + y) * in_w + left) * c, crop_w * c,
                  crop.data() + (b * crop_h + y) * crop_w * c);
  return tf_resize(crop, height, width, interpolation);
}

}  // namespace bottleneck::detail
