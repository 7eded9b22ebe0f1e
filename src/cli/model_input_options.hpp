#pragma once
// The options every command that runs a base network on images shares (extract, predict,
// finetune): which network and weights, and how images become its input.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bottleneck/applications.hpp"
#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/preprocessing.hpp"

namespace bottleneck::cli {

struct ModelInputOptions {
  std::string model = applications().front()->name;  // a network's name, or a Keras model file
  std::string weights = "imagenet";                   // for a network; a weights file for either
  std::string layer;                                  // cut the network at this layer's output
  std::string target_size;  // empty: the model's default
  std::string interpolation = "nearest";
  std::string preprocess;  // empty: the network's preprocess_input mode
  std::string pooling = "none";
};

// What the network options are called: extract and finetune take --model / --weights;
// predict, whose MODEL is positional, takes the image base network as --base / --base-weights.
struct ModelOptionNames {
  std::string model = "--model";
  std::string weights = "--weights";
};
void add_model_input_options(CLI::App& command, ModelInputOptions& options, const ModelOptionNames& names = {});

// "<name> <describe(record)>" for every network, comma-separated: per-network defaults for
// --help texts.
std::string for_each_application(const std::function<std::string(const Application&)>& describe);

struct ResolvedModelInput {
  TargetSize target_size;
  Interpolation interpolation;
  Preprocessing preprocessing;
  ApplicationOptions application;  // weights resolved to a file path (or "random")

  // One image as the network's input, a batch of one: load_img, img_to_array, expand_dims,
  // preprocess_input.
  Tensor load_image_batch(const std::string& path) const;
  // A folder's images (class subfolders, or flat) in Keras' order, unshuffled; an Error
  // when it holds none.
  DirectoryIterator flow_from_directory(const std::string& dir, ClassMode class_mode, int batch_size) const;
};
// --preprocess, or the network's preprocess_input mode when not given ("none" for a model file).
Preprocessing preprocessing_for(const ModelInputOptions& options);

struct BaseNetwork {
  std::unique_ptr<Model> model;
  ResolvedModelInput input;  // how images become its input
};
// The network the options name: an application built at --target-size (or its default), or a
// Keras model file (.h5, .keras) at its own input size; cut at --layer's output (Keras'
// Model(base.input, base.get_layer(NAME).output)) and globally pooled as --pooling says.
BaseNetwork load_base_network(const ModelInputOptions& options);

// What meta.json records about the network and its input: model, weights file and sha256,
// input size, interpolation, preprocessing, pooling.
nlohmann::json model_input_metadata(const ModelInputOptions& options, const ResolvedModelInput& resolved);

}  // namespace bottleneck::cli
