#pragma once
// Keras' random image augmentation (keras_preprocessing 1.1): the types of
// ImageDataGenerator's rotation / shift / shear / zoom / flip options, the parameters one
// draw produces, and the geometry that applies them — apply_affine_transform, i.e.
// scipy.ndimage.affine_transform with order=1 per channel — and flip_axis.
#include <string_view>
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

// How points outside the input are filled (scipy.ndimage's modes, as Keras passes them):
//   constant: cval wherever a coordinate falls outside [0, n-1] (no interpolation there)
//   nearest:  the edge pixel (a a a | a b c d | d d d)
//   reflect:  half-sample reflection (c b a | a b c d | d c b)
//   wrap:     scipy's wrap, whose period is n-1: the first and last pixels overlap
enum class FillMode { constant, nearest, reflect, wrap };
FillMode parse_fill_mode(std::string_view name);  // Keras' names; throws Error otherwise
std::string_view fill_mode_name(FillMode mode);

// Keras' width_shift_range / height_shift_range in its three forms:
//   a float r: uniform in [-r, r);
//   a list: one of its values, with a random sign;
//   an int n: one of 0 .. n-1, with a random sign (ShiftRange::integer).
// The result is a fraction of the image side when the range (a list's largest value) is
// below 1, else pixels.
struct ShiftRange {
  double range = 0.0;
  std::vector<double> choices;  // the list form; used when not empty

  ShiftRange() = default;
  ShiftRange(double range) : range(range) {}  // implicit, as Keras' `width_shift_range=0.2`
  static ShiftRange from_choices(std::vector<double> values);
  static ShiftRange integer(int n);

  // Keras' truthiness test (`if self.width_shift_range:`): whether a shift is drawn at all.
  bool draws() const { return !choices.empty() || range != 0.0; }
};

// Keras' zoom_range: a float z means [1 - z, 1 + z]; a pair is [low, high]. Both zooms are
// drawn independently from it unless it is exactly [1, 1].
struct ZoomRange {
  double low = 1.0;
  double high = 1.0;

  ZoomRange() = default;
  ZoomRange(double z) : low(1.0 - z), high(1.0 + z) {}  // implicit, as `zoom_range=0.2`
  ZoomRange(double low, double high) : low(low), high(high) {}

  bool draws() const { return !(low == 1.0 && high == 1.0); }
};

// The geometric entries of Keras' transform_parameters dictionary.
struct TransformParameters {
  double theta = 0.0;  // rotation, degrees
  double tx = 0.0;     // shift of the row coordinate, pixels (drawn from height_shift_range)
  double ty = 0.0;     // shift of the column coordinate, pixels (from width_shift_range)
  double shear = 0.0;  // degrees
  double zx = 1.0;     // zoom of the row coordinate
  double zy = 1.0;     // zoom of the column coordinate
  bool flip_horizontal = false;
  bool flip_vertical = false;
};

// Keras' apply_affine_transform on one (h, w, c) image: the matrix rotation * shift * shear
// * zoom, centred by transform_matrix_offset_center (centre h/2 + 0.5, w/2 + 0.5, as
// keras_preprocessing 1.1 has it), maps each output pixel to input coordinates, which are
// read with bilinear interpolation and fill_mode, then cast to float32. The flips in
// `parameters` are not applied here (see flip_axis). Returns a new tensor.
Tensor apply_affine_transform(const Tensor& x, const TransformParameters& parameters,
                              FillMode fill_mode = FillMode::nearest, double cval = 0.0);

// Keras' flip_axis: x reversed along axis 0 (rows) or 1 (columns) of an (h, w, c) image.
Tensor flip_axis(const Tensor& x, int axis);

}  // namespace bottleneck
