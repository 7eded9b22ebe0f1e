#include "cli/image_model_input.hpp"

#include "bottleneck/error.hpp"
#include "bottleneck/preprocessing.hpp"

namespace bottleneck::cli {

bool takes_images(const Model& model) {
  const Shape s = model.input_shape();
  return s.size() == 3 && s[2] == 3;
}

ClassMode class_mode_for(const Model& model) {
  if (model.output_shape().back() == 1) return ClassMode::binary;
  return model.compiled() && model.loss()->name() == "sparse_categorical_crossentropy" ? ClassMode::sparse
                                                                                        : ClassMode::categorical;
}

DirectoryIterator images_for(const Model& model, const ModelInputOptions& options, const std::string& dir,
                             ClassMode class_mode, int batch_size) {
  const Shape input = model.input_shape();
  TargetSize size{static_cast<int>(input[0]), static_cast<int>(input[1])};
  if (!options.target_size.empty()) {
    TargetSize asked = parse_target_size(options.target_size);
    if (asked.height != size.height || asked.width != size.width)
      throw Error("the model takes " + std::to_string(size.height) + "x" + std::to_string(size.width) +
                  " images, not --target-size " + options.target_size);
  }
  ImageDataGenerator generator({.preprocessing = Preprocessing::parse(options.preprocess)});
  return generator.flow_from_directory(dir, {.target_size = size, .class_mode = class_mode, .batch_size = batch_size,
                                             .shuffle = false, .interpolation = parse_interpolation(options.interpolation)});
}

}  // namespace bottleneck::cli
