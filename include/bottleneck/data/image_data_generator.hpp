#pragma once
// keras ImageDataGenerator: preprocessing, random augmentation, and flow_from_directory.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bottleneck/data/augmentation.hpp"
#include "bottleneck/data/directory_listing.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/preprocessing.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

enum class ClassMode { categorical, binary, sparse, input, none };
ClassMode parse_class_mode(std::string_view name);  // Keras' names; "none" for None
std::string_view class_mode_name(ClassMode mode);

struct FlowOptions {
  TargetSize target_size{256, 256};
  std::string color_mode = "rgb";    // the only mode the image module decodes to
  std::vector<std::string> classes;  // empty: the sorted subfolder names
  ClassMode class_mode = ClassMode::categorical;
  int batch_size = 32;
  bool shuffle = true;
  std::optional<uint64_t> seed;  // none: a random seed, drawn once
  bool follow_links = false;
  Subset subset = Subset::all;
  Interpolation interpolation = Interpolation::nearest;
};

struct ImageDataGeneratorOptions {
  float rescale = 0.0f;         // Keras' rescale; 0 means none (as Keras' None or 0)
  Preprocessing preprocessing;  // Keras' preprocessing_function
  double validation_split = 0.0;

  // Random augmentation (see augmentation.hpp), drawn per image and applied before
  // standardize(), as Keras' iterators do. The defaults are Keras': none.
  double rotation_range = 0.0;    // degrees: theta uniform in [-r, r)
  ShiftRange width_shift_range;   // ty, the column shift
  ShiftRange height_shift_range;  // tx, the row shift
  double shear_range = 0.0;       // degrees: shear uniform in [-r, r)
  ZoomRange zoom_range;           // zx and zy, each uniform in [low, high)
  FillMode fill_mode = FillMode::nearest;
  double cval = 0.0;              // the fill value for FillMode::constant
  bool horizontal_flip = false;   // columns reversed with probability 1/2
  bool vertical_flip = false;     // rows reversed with probability 1/2
};

class DirectoryIterator;

class ImageDataGenerator {
public:
  explicit ImageDataGenerator(ImageDataGeneratorOptions options = {});

  DirectoryIterator flow_from_directory(const std::filesystem::path& directory,
                                        FlowOptions options = {}) const;

  // Keras' standardize(): preprocessing_function, then rescale (in place, float32).
  void standardize(Tensor& x) const;

  // Whether any random transformation is configured (else the three below are identities).
  bool augments() const;
  // Keras' get_random_transform for an (h, w, c) image: one draw of every configured
  // transformation, uniform over Keras' ranges, the same for the same seed.
  TransformParameters get_random_transform(const Shape& img_shape, uint64_t seed) const;
  // Keras' apply_transform: the affine transform (fill_mode, cval), then the flips.
  Tensor apply_transform(const Tensor& x, const TransformParameters& parameters) const;
  // Keras' random_transform: apply_transform(x, get_random_transform(x.shape(), seed)).
  Tensor random_transform(const Tensor& x, uint64_t seed) const;

  const ImageDataGeneratorOptions& options() const { return options_; }

private:
  ImageDataGeneratorOptions options_;
};

}  // namespace bottleneck
