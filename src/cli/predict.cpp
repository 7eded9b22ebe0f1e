// bottleneck predict MODEL.h5 INPUT: a trained head's predictions as CSV file,probability,class.
// INPUT is a folder from `extract`, or images (one file, or a folder) that go through the base
// network given by --model / --weights / --target-size / --preprocess first.
#include <cstdio>
#include <filesystem>

#include "bottleneck/applications.hpp"
#include "bottleneck/data.hpp"
#include "bottleneck/directory_batches.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/model.hpp"
#include "cli/command.hpp"
#include "cli/feature_folder.hpp"
#include "cli/image_model_input.hpp"
#include "cli/model_input_options.hpp"
#include "io/escaped_names.hpp"

namespace bottleneck::cli {

namespace {

namespace fs = std::filesystem;

struct PredictSettings {
  std::string model_path;
  std::string input;
  ModelInputOptions base;
  int batch_size = 32;
};

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
  if (!fs::is_directory(s.input)) {
    const Shape in = model.input_shape();
    Tensor x = expand_dims(img_to_array(load_img(s.input, TargetSize{static_cast<int>(in[0]), static_cast<int>(in[1])}, parse_interpolation(s.base.interpolation))), 0);
    Preprocessing::parse(s.base.preprocess).apply(x);
    return {{fs::path(s.input).filename().string()}, model.predict(x)};
  }
  DirectoryIterator images = images_for(model, s.base, s.input, ClassMode::none, s.batch_size);
  if (images.samples() == 0) throw Error("no images found in " + s.input);
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
  ResolvedModelInput input = resolve_model_input(s.base);
  std::unique_ptr<Model> base = application_by_name(s.base.model, input.application);
  if (base->output_shape() != head.input_shape())
    throw Error("the base network gives features of shape " + shape_to_string(base->output_shape()) + " but " +
                s.model_path + " expects " + shape_to_string(head.input_shape()) +
                " (check --model, --target-size and --pooling)");
  if (!fs::is_directory(s.input)) {
    Tensor x = expand_dims(img_to_array(load_img(s.input, input.target_size, input.interpolation)), 0);
    input.preprocessing.apply(x);
    return {{fs::path(s.input).filename().string()}, head.predict(base->predict(x))};
  }
  ImageDataGenerator generator({.preprocessing = input.preprocessing});
  DirectoryIterator iterator = generator.flow_from_directory(
      s.input, {.target_size = input.target_size, .class_mode = ClassMode::none, .batch_size = s.batch_size,
                .shuffle = false, .interpolation = input.interpolation});
  if (iterator.samples() == 0) throw Error("no images found in " + s.input);
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
  CLI::App* cmd = app.add_subcommand("predict", "A trained head's predictions as CSV: file,probability,class");
  cmd->add_option("model", s->model_path, "a model file written by `train` (or Keras' model.save)")->required();
  cmd->add_option("input", s->input, "a folder from `extract`, or an image or a folder of images")->required();
  add_model_input_options(*cmd, s->base);
  cmd->add_option("--batch-size", s->batch_size)->capture_default_str();
  cmd->callback([s] { run_predict(*s); });
}

const CommandRegistration registration{"predict", setup_predict};

}  // namespace
}  // namespace bottleneck::cli
