// keras.applications' preprocess_input modes and ImageDataGenerator's rescale, in float32
// step by step as numpy computes them: a Python float meeting a float32 array is first
// rounded to float32, and each in-place operation rounds its result.
#include "bottleneck/preprocessing.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

// _preprocess_numpy_input's constants, per output channel: Python floats (doubles) that
// numpy rounds to float32, hence double literals cast rather than float literals.
constexpr float float32(double value) { return static_cast<float>(value); }
constexpr float caffe_bgr_mean[3] = {float32(103.939), float32(116.779), float32(123.68)};
constexpr float torch_mean[3] = {float32(0.485), float32(0.456), float32(0.406)};
constexpr float torch_std[3] = {float32(0.229), float32(0.224), float32(0.225)};

Error bad_preprocessing(std::string_view text) {
  return Error("unknown preprocessing '" + std::string(text) + "' (expected caffe, tf, torch, none or rescale=F, e.g. rescale=1/255)");
}

// A decimal number, whole: strtod must consume every character.
double parse_number(const std::string& text, std::string_view whole) {
  char* end = nullptr;
  const double value = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) throw bad_preprocessing(whole);
  return value;
}

// "F" or "A/B", computed in double as Python computes 1/255, then rounded to float32.
float parse_scale(std::string_view text, std::string_view whole) {
  const size_t slash = text.find('/');
  double value = 0.0;
  if (slash == std::string_view::npos) {
    value = parse_number(std::string(text), whole);
  } else {
    const double denominator = parse_number(std::string(text.substr(slash + 1)), whole);
    if (denominator == 0.0) throw Error("rescale '" + std::string(text) + "' divides by zero");
    value = parse_number(std::string(text.substr(0, slash)), whole) / denominator;
  }
  const auto scale = static_cast<float>(value);
  if (!std::isfinite(scale)) throw bad_preprocessing(whole);
  return scale;
}

int64_t pixel_count_checked(const Tensor& x, const char* mode) {
  if (x.rank() < 1 || x.dim(-1) != 3)
    throw Error(std::string(mode) + " preprocessing needs RGB data (last axis 3), got shape " + shape_to_string(x.shape()));
  return x.size() / 3;
}

}  // namespace

Preprocessing Preprocessing::parse(std::string_view text) {
  if (text == "none") return {Mode::none, 1.0f};
  if (text == "caffe") return {Mode::caffe, 1.0f};
  if (text == "tf") return {Mode::tf, 1.0f};
  if (text == "torch") return {Mode::torch, 1.0f};
  constexpr std::string_view rescale_prefix = "rescale=";
  if (text.substr(0, rescale_prefix.size()) != rescale_prefix) throw bad_preprocessing(text);
  const float scale = parse_scale(text.substr(rescale_prefix.size()), text);
  // ImageDataGenerator skips a falsy rescale (`if self.rescale:`), so 0 means none.
  if (scale == 0.0f) return {Mode::none, 1.0f};
  return {Mode::rescale, scale};
}

std::string Preprocessing::to_string() const {
  switch (mode) {
    case Mode::none:
      return "none";
    case Mode::caffe:
      return "caffe";
    case Mode::tf:
      return "tf";
    case Mode::torch:
      return "torch";
    case Mode::rescale:
      break;
  }
  // The common 1/N is written as a fraction when it reads back to the same float.
  const double denominator = std::round(1.0 / scale);
  if (denominator >= 1.0 && denominator <= 1e6 && static_cast<float>(1.0 / denominator) == scale)
    return "rescale=1/" + std::to_string(static_cast<int64_t>(denominator));
  char text[32];
  std::snprintf(text, sizeof text, "rescale=%.9g", static_cast<double>(scale));  // 9 digits round-trip a float
  return text;
}

void Preprocessing::apply(Tensor& x) const {
  float* values = x.data();
  switch (mode) {
    case Mode::none:
      return;
    case Mode::rescale:
      for (float& v : x) v *= scale;
      return;
    case Mode::tf:
      for (float& v : x) {
        v /= 127.5f;
        v -= 1.0f;
      }
      return;
    case Mode::caffe: {
      const int64_t pixels = pixel_count_checked(x, "caffe");
      for (int64_t i = 0; i < pixels; ++i, values += 3) {
        const float red = values[0];
        values[0] = values[2] - caffe_bgr_mean[0];
        values[1] -= caffe_bgr_mean[1];
        values[2] = red - caffe_bgr_mean[2];
      }
      return;
    }
    case Mode::torch: {
      const int64_t pixels = pixel_count_checked(x, "torch");
      for (int64_t i = 0; i < pixels; ++i, values += 3)
        for (int c = 0; c < 3; ++c) {
          float v = values[c] / 255.0f;
          v -= torch_mean[c];
          values[c] = v / torch_std[c];
        }
      return;
    }
  }
}

Tensor preprocess_input(const Tensor& x, std::string_view mode) {
  if (mode != "caffe" && mode != "tf" && mode != "torch")
    throw Error("preprocess_input: unknown mode '" + std::string(mode) + "' (expected caffe, tf or torch)");
  Tensor result = x.clone();
  Preprocessing::parse(mode).apply(result);
  return result;
}

}  // namespace bottleneck
