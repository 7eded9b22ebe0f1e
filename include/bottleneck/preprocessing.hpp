#pragma once
// Input normalisation: keras.applications' preprocess_input modes and
// ImageDataGenerator's rescale factor, as one value that the CLI and the data
// pipeline pass around ("caffe", "tf", "torch", "rescale=1/255", "none").
#include <string>
#include <string_view>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

struct Preprocessing {
  enum class Mode { none, caffe, tf, torch, rescale };
  Mode mode = Mode::none;
  float scale = 1.0f;  // for rescale: x * scale (float32, as Keras multiplies)

  static Preprocessing parse(std::string_view text);  // throws Error on anything else
  std::string to_string() const;                       // parse(to_string()) round-trips

  // Applies in place to NHWC or HWC RGB data in 0..255.
  void apply(Tensor& x) const;
};

// keras.applications.<model>.preprocess_input(x, mode=...): caffe (VGG16's default),
// tf or torch. Returns a new tensor; x is not modified.
Tensor preprocess_input(const Tensor& x, std::string_view mode = "caffe");

}  // namespace bottleneck
