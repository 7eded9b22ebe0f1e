#pragma once
// Fine-tuning (the seed's second technique): freeze a pretrained base up to a layer, train
// that layer and everything after it together with the head, at a small learning rate.
//
//   auto base = VGG16({.weights = "imagenet", .input_shape = Shape{224, 224, 3}});
//   auto head = load_model("head.h5");
//   Model model(base->input(), (*head)(base->output()));
//   set_trainable_from(model, "block5_conv1");
//   model.compile(SGD({.lr = 1e-4, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
//   History h = fine_tune(model, "block5_conv1", train_images, &validation_images, {.fit = {.epochs = 5}});
#include <functional>
#include <memory>
#include <string>

#include "bottleneck/data.hpp"
#include "bottleneck/models/model.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"

namespace bottleneck {

// Keras' `layer.trainable = False` for every layer before `first_trainable` (in layers()
// order) and True for it and every layer after. Throws Error when there is no such layer.
void set_trainable_from(Model& model, const std::string& first_trainable);

// The model cut at the input of `layer_name`: `frozen_prefix` maps the model's input to
// that layer's input; `trainable_suffix` maps a new Input of that shape to the model's
// output. Both share the model's layers (and so its weights). Throws Error when the layer
// takes several inputs, or when a later layer also reads something before the cut.
struct ModelSplit {
  std::unique_ptr<Model> frozen_prefix;
  std::unique_ptr<Model> trainable_suffix;
};
ModelSplit split_model(const Model& model, const std::string& layer_name);

struct FineTuneOptions {
  FitOptions fit;                  // epochs, batch_size, shuffle, seed, verbose, callbacks, communicator
                                   // (whose processes also build the cached prefix together)
  std::string cache_dir;           // where the frozen prefix's outputs go (a temporary folder if empty)
  ExtractionOptions extraction;    // decoding threads, unreadable images, progress
  std::function<void(const std::string&)> log;  // what fine_tune says about its plan
};

// Trains the compiled `model` on the images of `train` (validating on `validation` when
// given) with everything before `first_trainable` frozen. When the images are not augmented,
// the frozen part depends only on the image, so its output is computed once per image and
// the trainable part is trained from that cache (memory-mapped from disk): minutes instead
// of hours on a CPU. With augmentation every epoch runs the whole network.
History fine_tune(Model& model, const std::string& first_trainable, DirectoryIterator& train,
                  DirectoryIterator* validation, const FineTuneOptions& options = {});

}  // namespace bottleneck
