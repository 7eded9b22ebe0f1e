// ImageDataGenerator: Keras' per-image pipeline after decoding — one random draw of the
// configured augmentation (get_random_transform), its application (apply_transform), the
// normalisation of standardize() — and the factory for directory iterators.
#include <algorithm>
#include <cmath>
#include <random>

#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/data/image_data_generator.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

// Uniform draws written out (rather than std:: distributions, whose algorithms vary between
// standard libraries) so that a seed gives the same transformation everywhere.
class UniformRandom {
public:
  explicit UniformRandom(uint64_t seed) : engine_(seed) {}

  // [low, high), as numpy.random.uniform: low + (high - low) * u with u in [0, 1).
  double uniform(double low, double high) { return low + (high - low) * unit(); }
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }
  // One of 0 .. n - 1.
  size_t index(size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }

private:
  std::mt19937_64 engine_;
};

// Keras' tx / ty draw from a shift range, scaled to pixels of a side of `side` pixels.
double draw_shift(const ShiftRange& shift_range, int64_t side, UniformRandom& random) {
  if (!shift_range.draws()) return 0.0;
  double shift = 0.0;
  double largest = shift_range.range;
  if (!shift_range.choices.empty()) {
    shift = shift_range.choices[random.index(shift_range.choices.size())];
    shift *= random.index(2) == 0 ? -1.0 : 1.0;
    largest = *std::max_element(shift_range.choices.begin(), shift_range.choices.end());
  } else {
    shift = random.uniform(-shift_range.range, shift_range.range);
  }
  return largest < 1.0 ? shift * static_cast<double>(side) : shift;
}

void require_range(double value, const char* name) {
  if (!(std::isfinite(value) && value >= 0.0))
    throw Error(std::string("ImageDataGenerator: ") + name + " must be a finite number >= 0, got " +
                std::to_string(value));
}

void require_shift_range(const ShiftRange& shift_range, const char* name) {
  require_range(shift_range.range, name);
  for (double value : shift_range.choices)
    if (!std::isfinite(value))
      throw Error(std::string("ImageDataGenerator: ") + name + " has a value that is not finite");
}

}  // namespace

ImageDataGenerator::ImageDataGenerator(ImageDataGeneratorOptions options)
    : options_(std::move(options)) {
  if (!(options_.validation_split >= 0.0 && options_.validation_split < 1.0))
    throw Error("ImageDataGenerator: validation_split must be in [0, 1), got " +
                std::to_string(options_.validation_split));
  require_range(options_.rotation_range, "rotation_range");
  require_shift_range(options_.width_shift_range, "width_shift_range");
  require_shift_range(options_.height_shift_range, "height_shift_range");
  require_range(options_.shear_range, "shear_range");
  const ZoomRange& zoom = options_.zoom_range;
  if (!(std::isfinite(zoom.low) && std::isfinite(zoom.high) && zoom.low >= 0.0 && zoom.low <= zoom.high))
    throw Error("ImageDataGenerator: zoom_range must be [low, high] with 0 <= low <= high, got [" +
                std::to_string(zoom.low) + ", " + std::to_string(zoom.high) + "]");
  if (!std::isfinite(options_.cval))
    throw Error("ImageDataGenerator: cval must be finite");
}

DirectoryIterator ImageDataGenerator::flow_from_directory(const std::filesystem::path& directory,
                                                          FlowOptions options) const {
  return DirectoryIterator(directory, *this, std::move(options));
}

void ImageDataGenerator::standardize(Tensor& x) const {
  options_.preprocessing.apply(x);
  // Keras: `if self.rescale: x *= self.rescale`, in float32.
  if (options_.rescale != 0.0f)
    for (float& value : x) value *= options_.rescale;
}

bool ImageDataGenerator::augments() const {
  const ImageDataGeneratorOptions& o = options_;
  return o.rotation_range != 0.0 || o.width_shift_range.draws() || o.height_shift_range.draws() ||
         o.shear_range != 0.0 || o.zoom_range.draws() || o.horizontal_flip || o.vertical_flip;
}

TransformParameters ImageDataGenerator::get_random_transform(const Shape& img_shape, uint64_t seed) const {
  if (img_shape.size() != 3)
    throw Error("get_random_transform needs an image shape (height, width, channels), got " +
                shape_to_string(img_shape));
  const ImageDataGeneratorOptions& o = options_;
  UniformRandom random(seed);
  TransformParameters p;
  // The draws in Keras' order; each only when its option is set, as Keras does.
  if (o.rotation_range != 0.0) p.theta = random.uniform(-o.rotation_range, o.rotation_range);
  p.tx = draw_shift(o.height_shift_range, img_shape[0], random);
  p.ty = draw_shift(o.width_shift_range, img_shape[1], random);
  if (o.shear_range != 0.0) p.shear = random.uniform(-o.shear_range, o.shear_range);
  if (o.zoom_range.draws()) {
    p.zx = random.uniform(o.zoom_range.low, o.zoom_range.high);
    p.zy = random.uniform(o.zoom_range.low, o.zoom_range.high);
  }
  p.flip_horizontal = o.horizontal_flip && random.unit() < 0.5;
  p.flip_vertical = o.vertical_flip && random.unit() < 0.5;
  return p;
}

Tensor ImageDataGenerator::apply_transform(const Tensor& x, const TransformParameters& parameters) const {
  Tensor y = apply_affine_transform(x, parameters, options_.fill_mode, options_.cval);
  // Keras flips after the affine transform: columns first, then rows.
  if (parameters.flip_horizontal) y = flip_axis(y, 1);
  if (parameters.flip_vertical) y = flip_axis(y, 0);
  return y;
}

Tensor ImageDataGenerator::random_transform(const Tensor& x, uint64_t seed) const {
  return apply_transform(x, get_random_transform(x.shape(), seed));
}

}  // namespace bottleneck
