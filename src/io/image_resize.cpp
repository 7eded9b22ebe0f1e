// Pillow 9.4's Image.resize, bit for bit. Nearest is its affine-transform scaling
// (Geometry.c, ImagingScaleAffine); the other filters are Resample.c: separable
// convolution, horizontal pass then vertical, each with precomputed 22-bit fixed-point
// coefficients and an 8-bit intermediate image, a pass skipped when its axis keeps its size.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"

namespace bottleneck {

namespace {

constexpr int channels = 3;

// ---- nearest

// Source index of each output index: Pillow accumulates the position in double precision
// (start at scale / 2, add scale per step); positions outside the source give -1 (black).
std::vector<int> nearest_sources(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  std::vector<int> sources(out_size);
  double position = scale * 0.5;
  for (int i = 0; i < out_size; ++i, position += scale) {
    const int source = position < 0.0 ? -1 : static_cast<int>(position);
    sources[i] = source < in_size ? source : -1;
  }
  return sources;
}

Image resize_nearest(const Image& image, int width, int height) {
  const std::vector<int> columns = nearest_sources(image.width, width);
  const std::vector<int> rows = nearest_sources(image.height, height);
  Image out{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * channels, 0)};
  uint8_t* target = out.pixels.data();
  for (int y = 0; y < height; ++y) {
    if (rows[y] < 0) {
      target += static_cast<size_t>(width) * channels;
      continue;
    }
    const uint8_t* source_row = image.pixels.data() + static_cast<size_t>(rows[y]) * image.width * channels;
    for (int x = 0; x < width; ++x, target += channels)
      if (columns[x] >= 0) std::copy_n(source_row + static_cast<size_t>(columns[x]) * channels, channels, target);
  }
  return out;
}

// ---- convolution filters (Resample.c)

struct Filter {
  double (*weight)(double x);
  double support;
};

double box_weight(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }

double bilinear_weight(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

double hamming_weight(double x) {
  x = std::fabs(x);
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x *= std::numbers::pi;
  return std::sin(x) / x * (0.54f + 0.46f * std::cos(x));  // float constants, as in Pillow
}

double bicubic_weight(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= std::numbers::pi;
  return std::sin(x) / x;
}

double lanczos_weight(double x) { return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0; }

Filter filter_for(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::box:
      return {box_weight, 0.5};
    case Interpolation::bilinear:
      return {bilinear_weight, 1.0};
    case Interpolation::hamming:
      return {hamming_weight, 1.0};
    case Interpolation::bicubic:
      return {bicubic_weight, 2.0};
    case Interpolation::lanczos:
      return {lanczos_weight, 3.0};
    case Interpolation::nearest:
      break;
  }
  throw Error("nearest has no convolution filter");
}

constexpr int precision_bits = 32 - 8 - 2;

// For each output index: the first source index, how many follow, and their fixed-point
// weights (kernel_size slots per output, unused ones zero).
struct Coefficients {
  int kernel_size = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;
};

// precompute_coeffs + normalize_coeffs_8bpc, with Pillow's exact order of operations.
Coefficients precompute(int in_size, int out_size, const Filter& filter) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);  // widens the kernel to antialias downscaling
  const double support = filter.support * filter_scale;
  const double inverse_scale = 1.0 / filter_scale;
  Coefficients c;
  c.kernel_size = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(static_cast<size_t>(out_size) * c.kernel_size, 0);
  std::vector<double> k(c.kernel_size);
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
    const int xmax = std::min(static_cast<int>(center + support + 0.5), in_size) - xmin;
    double total = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[x] = filter.weight((x + xmin - center + 0.5) * inverse_scale);
      total += k[x];
    }
    int32_t* fixed = &c.weights[static_cast<size_t>(xx) * c.kernel_size];
    for (int x = 0; x < xmax; ++x) {
      const double w = total != 0.0 ? k[x] / total : k[x];
      fixed[x] = static_cast<int32_t>(w < 0 ? -0.5 + w * (1 << precision_bits) : 0.5 + w * (1 << precision_bits));
    }
    c.first[xx] = xmin;
    c.count[xx] = std::max(xmax, 0);
  }
  return c;
}

// Pillow's clip8: the accumulator, shifted back to 8 bits, clamped.
uint8_t clip8(int32_t accumulator) {
  return static_cast<uint8_t>(std::clamp(accumulator >> precision_bits, 0, 255));
}

constexpr int32_t rounding = 1 << (precision_bits - 1);

Image resample_horizontal(const Image& image, int width, const Coefficients& c) {
  Image out{width, image.height, std::vector<uint8_t>(static_cast<size_t>(width) * image.height * channels)};
  uint8_t* target = out.pixels.data();
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = image.pixels.data() + static_cast<size_t>(y) * image.width * channels;
    for (int xx = 0; xx < width; ++xx, target += channels) {
      const uint8_t* source = row + static_cast<size_t>(c.first[xx]) * channels;
      const int32_t* k = &c.weights[static_cast<size_t>(xx) * c.kernel_size];
      int32_t r = rounding, g = rounding, b = rounding;
      for (int x = 0; x < c.count[xx]; ++x, source += channels) {
        r += source[0] * k[x];
        g += source[1] * k[x];
        b += source[2] * k[x];
      }
      target[0] = clip8(r);
      target[1] = clip8(g);
      target[2] = clip8(b);
    }
  }
  return out;
}

// Accumulates whole source rows into one row of sums, so memory is read in order; integer
// sums are exact, so the result equals Pillow's pixel-by-pixel order.
Image resample_vertical(const Image& image, int height, const Coefficients& c) {
  const size_t row_size = static_cast<size_t>(image.width) * channels;
  Image out{image.width, height, std::vector<uint8_t>(row_size * height)};
  std::vector<int32_t> sums(row_size);
  for (int yy = 0; yy < height; ++yy) {
    std::fill(sums.begin(), sums.end(), rounding);
    const int32_t* k = &c.weights[static_cast<size_t>(yy) * c.kernel_size];
    for (int y = 0; y < c.count[yy]; ++y) {
      const uint8_t* source = image.pixels.data() + (c.first[yy] + y) * row_size;
      const int32_t weight = k[y];
      for (size_t i = 0; i < row_size; ++i) sums[i] += source[i] * weight;
    }
    uint8_t* target = out.pixels.data() + yy * row_size;
    for (size_t i = 0; i < row_size; ++i) target[i] = clip8(sums[i]);
  }
  return out;
}

}  // namespace

Image resize(const Image& image, int width, int height, Interpolation interpolation) {
  if (width <= 0 || height <= 0 || width > max_image_pixels / height)
    throw Error("cannot resize to " + std::to_string(width) + "x" + std::to_string(height));
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != static_cast<size_t>(image.width) * image.height * channels)
    throw Error("cannot resize an empty or inconsistent image");
  if (width == image.width && height == image.height) return image;
  if (interpolation == Interpolation::nearest) return resize_nearest(image, width, height);

  const Filter filter = filter_for(interpolation);
  if (width == image.width) return resample_vertical(image, height, precompute(image.height, height, filter));
  Image horizontal = resample_horizontal(image, width, precompute(image.width, width, filter));
  if (height == image.height) return horizontal;
  return resample_vertical(horizontal, height, precompute(image.height, height, filter));
}

}  // namespace bottleneck
