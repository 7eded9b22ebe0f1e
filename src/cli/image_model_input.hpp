#pragma once
// Commands given a model that starts at the image (a fine-tuned base + head) and a folder
// of images: how the images are read for it, and the targets its loss expects.
#include <string>

#include "bottleneck/data.hpp"
#include "bottleneck/model.hpp"
#include "cli/model_input_options.hpp"

namespace bottleneck::cli {

// Whether the model's input is an RGB image (height, width, 3), not features.
bool takes_images(const Model& model);

// Keras' class_mode for the model's output and loss: binary for one unit, sparse for the
// sparse loss, categorical otherwise.
ClassMode class_mode_for(const Model& model);

// The images of `dir` (class subfolders, or a flat folder) at the model's input size, read
// and preprocessed as `options` say; --target-size, when given, must agree with the model.
DirectoryIterator images_for(const Model& model, const ModelInputOptions& options, const std::string& dir,
                             ClassMode class_mode, int batch_size);

}  // namespace bottleneck::cli
