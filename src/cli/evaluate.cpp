// bottleneck evaluate MODEL.h5 DIR: loss and accuracy of a trained model on a labelled set:
// extracted features for a head, or a folder of class subfolders of images for a model that
// starts at the image (from `finetune`).
#include <cmath>
#include <cstdio>

#include <filesystem>

#include "bottleneck/error.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/training/data_adapters/directory_batches.hpp"
#include "cli/command.hpp"
#include "cli/dtype_policy_option.hpp"
#include "cli/feature_folder.hpp"
#include "cli/image_model_input.hpp"

namespace bottleneck::cli {

namespace {

struct EvaluateSettings {
  std::string model_path;
  std::string dir;
  int batch_size = 32;
  ModelInputOptions images;  // how images are read for a model that takes them
  bool quiet = false;
};

void run_evaluate(const EvaluateSettings& s) {
  if (s.batch_size <= 0) throw Error("--batch-size must be positive");
  std::unique_ptr<Model> model = load_model(s.model_path);
  if (!model->compiled())
    throw Error(s.model_path + " has no training configuration (loss, metrics): it was saved before compile");
  std::vector<double> figures;
  if (std::filesystem::exists(std::filesystem::path(s.dir) / "features.npy") || !takes_images(*model)) {
    FeatureFolder folder = read_feature_folder(s.dir, /*labels_required=*/true);
    figures = model->evaluate(folder.features, targets_for(*model, folder.labels, s.dir), s.batch_size, s.quiet ? 0 : 1);
  } else {
    DirectoryIterator images = image_model_input(*model, s.images).flow_from_directory(s.dir, class_mode_for(*model), s.batch_size);
    if (images.class_names().empty()) throw Error(s.dir + " has no class subfolders to take labels from");
    DirectoryBatches batches(images);
    figures = model->evaluate(batches, s.quiet ? 0 : 1);
  }
  const std::vector<std::string> names = model->metrics_names();
  std::string line;
  for (size_t i = 0; i < names.size(); ++i) {
    char value[48];
    std::snprintf(value, sizeof value, std::fabs(figures[i]) > 1e-3 ? "%.6f" : "%.6e", figures[i]);
    line += (i ? " - " : "") + names[i] + ": " + value;
  }
  std::printf("%s\n", line.c_str());
}

void setup_evaluate(CLI::App& app) {
  auto s = std::make_shared<EvaluateSettings>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Loss and accuracy of a trained head on extracted features");
  add_dtype_policy_option(*cmd);
  cmd->add_option("model", s->model_path, "a model file written by `train` (or Keras' model.save)")->required();
  cmd->add_option("dir", s->dir,
                  "folder from `extract` (features.npy, labels.npy), or of class subfolders of images for a "
                  "model from `finetune`")
      ->required();
  cmd->add_option("--target-size", s->images.target_size, "HxW of the images (default: the model's input)");
  cmd->add_option("--interpolation", s->images.interpolation, "resizing filter for images")->capture_default_str();
  cmd->add_option("--preprocess", s->images.preprocess,
                  "caffe, tf, torch, rescale=F or none, for images (default: " + preprocessing_for(s->images).to_string() +
                      ")");
  cmd->add_option("--batch-size", s->batch_size)->capture_default_str();
  cmd->add_flag("-q,--quiet", s->quiet, "no progress bar");
  cmd->callback([s] { run_evaluate(*s); });
}

const CommandRegistration evaluate_registration{"evaluate", setup_evaluate};

}  // namespace
}  // namespace bottleneck::cli
