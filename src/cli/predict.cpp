// bottleneck predict MODEL INPUT: model.predict(INPUT).
// With INPUT.npy: MODEL is a Keras model file (.h5, .keras) or a network's name (built for
// INPUT's height and width with --weights), and the outputs go to -o OUTPUT.npy as float32.
// Otherwise MODEL is a trained head (or a fine-tuned model) and its predictions are printed as
// CSV file,probability,class; INPUT is a folder from `extract`, or images (one file, or a
// folder) that go through the base network given by --base / --base-weights /
// --target-size / --preprocess first.
#include <cstdio>
#include <filesystem>

#include "bottleneck/applications.hpp"
#include "bottleneck/data.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/escaped_names.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/training/data_adapters/directory_batches.hpp"
#include "cli/command.hpp"
#include "cli/dtype_policy_option.hpp"
#include "cli/feature_folder.hpp"
#include "cli/image_model_input.hpp"
#include "cli/model_input_options.hpp"

namespace bottleneck::cli {

namespace {

namespace fs = std::filesystem;

struct PredictSettings {
  std::string model_path;
  std::string input;
  std::string output;
  std::string weights = "imagenet";  // when MODEL names a network
  ModelInputOptions base;
  int batch_size = 32;
};

// INPUT.npy through MODEL into OUTPUT.npy.
void predict_array(const PredictSettings& s) {
  if (s.output.empty()) throw Error("an INPUT.npy needs -o OUTPUT.npy for the outputs");
  Tensor x = load_npy(s.input);
  std::unique_ptr<Model> model;
  if (fs::is_regular_file(s.model_path)) {
    model = load_model(s.model_path);
    if (s.weights != "imagenet") model->load_weights(s.weights);
  } else {
    if (x.rank() != 4) throw Error(s.input + " holds " + shape_to_string(x.shape()) + ", not a batch of images");
    model = application_by_name(s.model_path, {.weights = resolve_weights(s.model_path, s.weights),
                                               .input_shape = Shape{x.dim(1), x.dim(2), x.dim(3)}});
  }
  Shape expected = model->input_shape();
  expected.insert(expected.begin(), x.rank() ? x.dim(0) : 0);
  if (x.shape() != expected)
    throw Error(s.input + " holds " + shape_to_string(x.shape()) + " but " + s.model_path + " takes (N, " +
                shape_to_string(model->input_shape()).substr(1));
  save_npy(s.output, model->predict(x, s.batch_size));
}

struct Predictions {
  std::vector<std::string> files;
  Tensor probabilities;  // (rows, units)
};

Predictions predict_features(Model& head, const std::string& dir, int batch_size) {
  FeatureFolder folder = read_feature_folder(dir, /*labels_required=*/false);
  std::vector<std::string> files = folder.files;
  if (files.empty())
    for (int64_t i = 0; i < folder.features.rows(); ++i) files.push_back(std::to_string(i));
  return {files, head.predict(folder.features, batch_size)};
}

// A model from `finetune` starts at the image: no separate base network.
Predictions predict_with_image_model(Model& model, const PredictSettings& s) {
  const ResolvedModelInput input = image_model_input(model, s.base);
  if (!fs::is_directory(s.input))
    return {{fs::path(s.input).filename().string()}, model.predict(input.load_image_batch(s.input))};
  DirectoryIterator images = input.flow_from_directory(s.input, ClassMode::none, s.batch_size);
  DirectoryBatches batches(images);
  Predictions result;
  std::vector<Tensor> parts;
  Tensor x, unused;
  batches.begin_epoch();
  while (batches.next(x, unused)) parts.push_back(model.predict(x, s.batch_size));
  result.files = images.filenames();
  result.probabilities = concatenate_rows(parts);
  return result;
}

Predictions predict_images(Model& head, const PredictSettings& s) {
  if (takes_images(head)) return predict_with_image_model(head, s);
  BaseNetwork network = load_base_network(s.base);
  const ResolvedModelInput& input = network.input;
  std::unique_ptr<Model>& base = network.model;
  if (base->output_shape() != head.input_shape())
    throw Error("the base network gives features of shape " + shape_to_string(base->output_shape()) + " but " +
                s.model_path + " expects " + shape_to_string(head.input_shape()) +
                " (check --base, --target-size and --pooling)");
  if (!fs::is_directory(s.input))
    return {{fs::path(s.input).filename().string()}, head.predict(base->predict(input.load_image_batch(s.input)))};
  DirectoryIterator iterator = input.flow_from_directory(s.input, ClassMode::none, s.batch_size);
  Predictions result;
  std::vector<Tensor> parts;
  BatchPrefetcher prefetcher(iterator);
  while (auto batch = prefetcher.next()) {
    if (!batch->skipped.empty())
      throw Error("cannot read " + (fs::path(s.input) / batch->skipped.front().filename).string() + ": " +
                  batch->skipped.front().error);
    parts.push_back(head.predict(base->predict(batch->x, s.batch_size), s.batch_size));
    for (int64_t index : batch->file_indices) result.files.push_back(iterator.filenames()[index]);
  }
  result.probabilities = concatenate_rows(parts);
  return result;
}

void run_predict(const PredictSettings& s) {
  if (s.batch_size <= 0) throw Error("--batch-size must be positive");
  if (!fs::exists(s.input)) throw Error("cannot read " + s.input + ": no such file or directory");
  if (fs::path(s.input).extension() == ".npy") return predict_array(s);
  std::unique_ptr<Model> head = load_model(s.model_path);
  const bool features = fs::exists(fs::path(s.input) / "features.npy");
  Predictions p = features ? predict_features(*head, s.input, s.batch_size) : predict_images(*head, s);

  const int64_t rows = p.probabilities.dim(0);
  const int64_t units = rows ? p.probabilities.size() / rows : 0;
  std::string csv = "file,probability,class\n";
  for (int64_t n = 0; n < rows; ++n) {
    const float* row = p.probabilities.data() + n * units;
    // Keras' predict_classes: one sigmoid unit gives P(class 1) and class 1 above 0.5;
    // several units give the most probable class index and its probability.
    const int64_t best = units == 1 ? (row[0] > 0.5f ? 1 : 0) : std::max_element(row, row + units) - row;
    const float probability = units == 1 ? row[0] : row[best];
    char value[32];
    std::snprintf(value, sizeof value, "%.7g", probability);
    csv += csv_field(p.files[n]) + "," + value + "," + std::to_string(best) + "\n";
  }
  std::fputs(csv.c_str(), stdout);
}

void setup_predict(CLI::App& app) {
  auto s = std::make_shared<PredictSettings>();
  CLI::App* cmd = app.add_subcommand(
      "predict", "model.predict: INPUT.npy to -o OUTPUT.npy, or a trained head's predictions as CSV file,probability,class");
  add_dtype_policy_option(*cmd);
  cmd->add_option("model", s->model_path,
                  "a Keras model file (.h5, .keras; `train` writes them), or a network's name for an INPUT.npy")
      ->required();
  cmd->add_option("input", s->input, "an .npy array, a folder from `extract`, or an image or a folder of images")
      ->required();
  cmd->add_option("-o,--output", s->output, "where an INPUT.npy's outputs go (float32 .npy)");
  cmd->add_option("--weights", s->weights, "for MODEL: imagenet, random, or a Keras weights file")->capture_default_str();
  add_model_input_options(*cmd, s->base, {.model = "--base", .weights = "--base-weights"});
  cmd->add_option("--batch-size", s->batch_size)->capture_default_str();
  cmd->callback([s] { run_predict(*s); });
}

const CommandRegistration predict_registration{"predict", setup_predict};

}  // namespace
}  // namespace bottleneck::cli
