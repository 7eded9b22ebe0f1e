// Keras' apply_affine_transform and flip_axis. The affine part reproduces
// scipy.ndimage.affine_transform(order=1) as scipy 1.6 and later compute it: per output
// pixel, input coordinates = offset + matrix * (row, col); each axis is mapped into the
// input by the fill mode, read at two neighbouring pixels with linear weights, and the four
// products are summed in double in scipy's order before the cast to float32.
#include <array>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>

#include "bottleneck/data/augmentation.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

Matrix3 multiply(const Matrix3& a, const Matrix3& b) {
  Matrix3 product{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      product[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  return product;
}

// numpy's deg2rad.
double degrees_to_radians(double degrees) { return degrees * (std::numbers::pi / 180.0); }

// Keras: rotation * shift * shear * zoom, then transform_matrix_offset_center(matrix, h, w)
// with its centre at (h / 2 + 0.5, w / 2 + 0.5). Identity factors are exact in products,
// so composing all four equals Keras' skipping of the neutral ones.
Matrix3 keras_transform_matrix(const TransformParameters& p, int64_t height, int64_t width) {
  const double theta = degrees_to_radians(p.theta);
  const double shear = degrees_to_radians(p.shear);
  const Matrix3 rotation{{{std::cos(theta), -std::sin(theta), 0.0},
                          {std::sin(theta), std::cos(theta), 0.0},
                          {0.0, 0.0, 1.0}}};
  const Matrix3 shift{{{1.0, 0.0, p.tx}, {0.0, 1.0, p.ty}, {0.0, 0.0, 1.0}}};
  const Matrix3 shearing{{{1.0, -std::sin(shear), 0.0}, {0.0, std::cos(shear), 0.0}, {0.0, 0.0, 1.0}}};
  const Matrix3 zoom{{{p.zx, 0.0, 0.0}, {0.0, p.zy, 0.0}, {0.0, 0.0, 1.0}}};
  const Matrix3 matrix = multiply(multiply(multiply(rotation, shift), shearing), zoom);

  const double o_x = static_cast<double>(height) / 2.0 + 0.5;
  const double o_y = static_cast<double>(width) / 2.0 + 0.5;
  const Matrix3 offset{{{1.0, 0.0, o_x}, {0.0, 1.0, o_y}, {0.0, 0.0, 1.0}}};
  const Matrix3 reset{{{1.0, 0.0, -o_x}, {0.0, 1.0, -o_y}, {0.0, 0.0, 1.0}}};
  return multiply(multiply(offset, matrix), reset);
}

// scipy's boundary extensions: the four fill modes, plus mirror, which scipy uses to find
// the second neighbour of a point on the last pixel in constant and wrap modes.
enum class Extension { constant, nearest, reflect, wrap, mirror };

Extension extension_of(FillMode mode) {
  switch (mode) {
    case FillMode::constant: return Extension::constant;
    case FillMode::nearest: return Extension::nearest;
    case FillMode::reflect: return Extension::reflect;
    case FillMode::wrap: return Extension::wrap;
  }
  return Extension::constant;
}

// scipy's _get_spline_boundary_mode: how the neighbours of a point are found.
Extension neighbour_extension(FillMode mode) {
  return mode == FillMode::constant || mode == FillMode::wrap ? Extension::mirror : extension_of(mode);
}

// scipy's map_coordinate: a coordinate outside [0, len - 1] mapped back inside (constant:
// -1, meaning "read cval"). The integer truncations are scipy's own.
double map_coordinate(double in, int64_t len, Extension mode) {
  const auto whole = [](double value) { return static_cast<double>(static_cast<int64_t>(value)); };
  if (in < 0) {
    switch (mode) {
      case Extension::mirror: {
        if (len <= 1) return 0.0;
        const auto sz2 = static_cast<double>(2 * len - 2);
        in = sz2 * whole(-in / sz2) + in;
        return in <= static_cast<double>(1 - len) ? in + sz2 : -in;
      }
      case Extension::reflect: {
        if (len <= 1) return 0.0;
        const auto sz2 = static_cast<double>(2 * len);
        if (in < -sz2) in = sz2 * whole(-in / sz2) + in;
        // scipy's guard against -in - 1 landing exactly on -1.
        return in < -static_cast<double>(len) ? in + sz2 : (in > -1e-15 ? 1e-15 : -in) - 1.0;
      }
      case Extension::wrap: {
        if (len <= 1) return 0.0;
        const auto sz = static_cast<double>(len - 1);
        return in + sz * (whole(-in / sz) + 1.0);
      }
      case Extension::nearest: return 0.0;
      case Extension::constant: return -1.0;
    }
  } else if (in > static_cast<double>(len - 1)) {
    switch (mode) {
      case Extension::mirror: {
        if (len <= 1) return 0.0;
        const auto sz2 = static_cast<double>(2 * len - 2);
        in -= sz2 * whole(in / sz2);
        return in >= static_cast<double>(len) ? sz2 - in : in;
      }
      case Extension::reflect: {
        if (len <= 1) return 0.0;
        const auto sz2 = static_cast<double>(2 * len);
        in -= sz2 * whole(in / sz2);
        return in >= static_cast<double>(len) ? sz2 - in - 1.0 : in;
      }
      case Extension::wrap: {
        if (len <= 1) return 0.0;
        const auto sz = static_cast<double>(len - 1);
        return in - sz * whole(in / sz);
      }
      case Extension::nearest: return static_cast<double>(len - 1);
      case Extension::constant: return -1.0;
    }
  }
  return in;
}

// The two input pixels one axis of a point reads, and their linear weights.
struct Taps {
  std::array<int64_t, 2> index{};
  std::array<double, 2> weight{};
};

// Beyond this, scipy's integer truncations overflow; only absurd parameters get there, and
// such points read cval (nearest mode clamps without truncating, so it has no limit).
constexpr double kLargestCoordinate = 0x1p52;

// Nothing when the point reads cval.
std::optional<Taps> axis_taps(double coordinate, int64_t length, FillMode mode) {
  if (!std::isfinite(coordinate)) return std::nullopt;
  double cc = coordinate;
  if (mode != FillMode::nearest) {  // scipy leaves nearest to the neighbour mapping
    if (std::abs(cc) >= kLargestCoordinate) return std::nullopt;
    cc = map_coordinate(cc, length, extension_of(mode));
    if (!(cc > -1.0)) return std::nullopt;
  }
  const double start = std::floor(cc);
  const bool at_edge = start < 0.0 || start + 1.0 >= static_cast<double>(length);
  Taps taps;
  for (int k = 0; k < 2; ++k) {
    double index = start + k;
    if (at_edge) index = map_coordinate(index, length, neighbour_extension(mode));
    taps.index[k] = static_cast<int64_t>(index);
  }
  // scipy's order-1 spline weights: the last one is 1 minus the others.
  taps.weight[0] = 1.0 - (cc - start);
  taps.weight[1] = 1.0 - taps.weight[0];
  return taps;
}

void require_image(const Tensor& x, const char* what) {
  if (x.rank() != 3 || x.dim(0) <= 0 || x.dim(1) <= 0 || x.dim(2) <= 0)
    throw Error(std::string(what) + " needs one (height, width, channels) image, got " +
                shape_to_string(x.shape()));
}

}  // namespace

FillMode parse_fill_mode(std::string_view name) {
  if (name == "constant") return FillMode::constant;
  if (name == "nearest") return FillMode::nearest;
  if (name == "reflect") return FillMode::reflect;
  if (name == "wrap") return FillMode::wrap;
  throw Error("invalid fill_mode '" + std::string(name) +
              "': expected constant, nearest, reflect or wrap");
}

std::string_view fill_mode_name(FillMode mode) {
  switch (mode) {
    case FillMode::constant: return "constant";
    case FillMode::nearest: return "nearest";
    case FillMode::reflect: return "reflect";
    case FillMode::wrap: return "wrap";
  }
  return "nearest";
}

ShiftRange ShiftRange::from_choices(std::vector<double> values) {
  ShiftRange shift;
  shift.choices = std::move(values);
  return shift;
}

ShiftRange ShiftRange::integer(int n) {
  std::vector<double> values;
  for (int i = 0; i < n; ++i) values.push_back(i);
  return from_choices(std::move(values));
}

Tensor apply_affine_transform(const Tensor& x, const TransformParameters& parameters,
                              FillMode fill_mode, double cval) {
  require_image(x, "apply_affine_transform");
  const TransformParameters& p = parameters;
  // Keras applies nothing (not even an interpolation) when every factor is neutral.
  if (p.theta == 0.0 && p.tx == 0.0 && p.ty == 0.0 && p.shear == 0.0 && p.zx == 1.0 && p.zy == 1.0)
    return x.clone();

  const int64_t height = x.dim(0), width = x.dim(1), channels = x.dim(2);
  const Matrix3 matrix = keras_transform_matrix(p, height, width);
  const auto fill = static_cast<float>(cval);
  const float* in = x.data();
  Tensor y(x.shape());
  float* out = y.data();
  for (int64_t row = 0; row < height; ++row) {
    for (int64_t col = 0; col < width; ++col, out += channels) {
      // scipy: start from the offset, then add the matrix products in axis order.
      double input_row = matrix[0][2];
      input_row += static_cast<double>(row) * matrix[0][0];
      input_row += static_cast<double>(col) * matrix[0][1];
      double input_col = matrix[1][2];
      input_col += static_cast<double>(row) * matrix[1][0];
      input_col += static_cast<double>(col) * matrix[1][1];

      const std::optional<Taps> rows = axis_taps(input_row, height, fill_mode);
      const std::optional<Taps> cols = rows ? axis_taps(input_col, width, fill_mode) : std::nullopt;
      if (!rows || !cols) {
        for (int64_t c = 0; c < channels; ++c) out[c] = fill;
        continue;
      }
      for (int64_t c = 0; c < channels; ++c) {
        double sum = 0.0;
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b) {
            double term = in[(rows->index[a] * width + cols->index[b]) * channels + c];
            term *= rows->weight[a];
            term *= cols->weight[b];
            sum += term;
          }
        out[c] = static_cast<float>(sum);
      }
    }
  }
  return y;
}

Tensor flip_axis(const Tensor& x, int axis) {
  require_image(x, "flip_axis");
  if (axis != 0 && axis != 1)
    throw Error("flip_axis: axis must be 0 (rows) or 1 (columns), got " + std::to_string(axis));
  const int64_t height = x.dim(0), width = x.dim(1), channels = x.dim(2);
  Tensor y(x.shape());
  for (int64_t row = 0; row < height; ++row)
    for (int64_t col = 0; col < width; ++col) {
      const int64_t source_row = axis == 0 ? height - 1 - row : row;
      const int64_t source_col = axis == 1 ? width - 1 - col : col;
      const float* from = x.data() + (source_row * width + source_col) * channels;
      float* to = y.data() + (row * width + col) * channels;
      for (int64_t c = 0; c < channels; ++c) to[c] = from[c];
    }
  return y;
}

}  // namespace bottleneck
