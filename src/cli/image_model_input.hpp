#pragma once
// Commands given a model that starts at the image (a fine-tuned base + head) and a folder
// of images: how the images are read for it, and the targets its loss expects.
#include <string>

#include "bottleneck/data/image_data_generator.hpp"
#include "bottleneck/models/model.hpp"
#include "cli/model_input_options.hpp"

namespace bottleneck::cli {

// Whether the model's input is an RGB image (height, width, 3), not features.
bool takes_images(const Model& model);

// Keras' class_mode for the model's output and loss: binary for one unit, sparse for the
// sparse loss, categorical otherwise.
ClassMode class_mode_for(const Model& model);

// How images are read for a model that starts at the image: at its input size, filtered and
// preprocessed as `options` say; --target-size, when given, must agree with the model.
ResolvedModelInput image_model_input(const Model& model, const ModelInputOptions& options);

}  // namespace bottleneck::cli
