#include "cli/image_model_input.hpp"

#include "bottleneck/error.hpp"

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

ResolvedModelInput image_model_input(const Model& model, const ModelInputOptions& options) {
  const Shape input = model.input_shape();
  ResolvedModelInput resolved;
  resolved.target_size = {static_cast<int>(input[0]), static_cast<int>(input[1])};
  if (!options.target_size.empty()) {
    TargetSize asked = parse_target_size(options.target_size);
    if (asked.height != resolved.target_size.height || asked.width != resolved.target_size.width)
      throw Error("the model takes " + std::to_string(input[0]) + "x" + std::to_string(input[1]) +
                  " images, not --target-size " + options.target_size);
  }
  resolved.interpolation = parse_interpolation(options.interpolation);
  resolved.preprocessing = preprocessing_for(options);
  return resolved;
}

}  // namespace bottleneck::cli
