// ImageDataGenerator: the per-image normalisation Keras applies in standardize(), and the
// factory for directory iterators.
#include "bottleneck/data.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

ImageDataGenerator::ImageDataGenerator(ImageDataGeneratorOptions options)
    : options_(std::move(options)) {
  if (!(options_.validation_split >= 0.0 && options_.validation_split < 1.0))
    throw Error("ImageDataGenerator: validation_split must be in [0, 1), got " +
                std::to_string(options_.validation_split));
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

}  // namespace bottleneck
