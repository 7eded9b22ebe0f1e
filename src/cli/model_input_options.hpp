#pragma once
// The options every command that runs a base network on images shares (extract, predict,
// finetune): which network and weights, and how images become its input.
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bottleneck/applications.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/preprocessing.hpp"

namespace bottleneck::cli {

struct ModelInputOptions {
  std::string model = "vgg16";
  std::string weights = "imagenet";
  std::string target_size;  // empty: the model's default
  std::string interpolation = "nearest";
  std::string preprocess = "caffe";
  std::string pooling = "none";
};

void add_model_input_options(CLI::App& command, ModelInputOptions& options);

struct ResolvedModelInput {
  TargetSize target_size;
  Interpolation interpolation;
  Preprocessing preprocessing;
  ApplicationOptions application;  // weights resolved to a file path (or "random")
};
ResolvedModelInput resolve_model_input(const ModelInputOptions& options);

// What meta.json records about the network and its input: model, weights file and sha256,
// input size, interpolation, preprocessing, pooling.
nlohmann::json model_input_metadata(const ModelInputOptions& options, const ResolvedModelInput& resolved);

}  // namespace bottleneck::cli
