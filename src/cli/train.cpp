// bottleneck train --train DIR --val DIR -o MODEL.h5: the seed's third program. Trains a
// classifier head (--head) on extracted features (memory-mapped) with Keras' fit log, and
// saves it as a Keras model file; or, with --model, any Keras model file (its architecture and
// weights, BatchNormalization's moving statistics included) on the inputs in DIR.
#include <optional>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/saving.hpp"
#include "cli/command.hpp"
#include "cli/dtype_policy_option.hpp"
#include "cli/feature_folder.hpp"
#include "cli/head_spec.hpp"
#include "cli/optimizer_options.hpp"

namespace bottleneck::cli {

namespace {

struct TrainSettings {
  std::string train_dir;
  std::string val_dir;
  std::string output;
  std::string head = default_head_spec;
  std::string model_file;  // instead of --head: a whole Keras model to train
  OptimizerOptions optimizer{.name = "adadelta"};
  std::string loss = "binary_crossentropy";
  int epochs = 10;
  int batch_size = 32;
  uint64_t seed = 0;
  bool no_shuffle = false;
  std::string init_weights;
  std::string history_csv;
  std::string plot;
  bool quiet = false;
};

void run_train(const TrainSettings& s) {
  // Under an MPI launcher every process reads the features and trains on its share of each
  // batch; the root alone writes the outputs.
  distributed::Communicator& job = distributed::world();
  AtomicFileSet outputs;
  std::string staged_model, staged_history, staged_plot;
  std::optional<FeatureFolder> train, val;
  std::unique_ptr<Model> model;
  distributed::run_together(job, [&] {
    if (s.epochs <= 0) throw Error("--epochs must be positive");
    if (s.batch_size <= 0) throw Error("--batch-size must be positive");
    // All outputs or none: a plot that cannot be written leaves no model either, and says so
    // before training rather than after.
    if (job.is_root()) {
      staged_model = outputs.stage(s.output);
      if (!s.history_csv.empty()) staged_history = outputs.stage(s.history_csv);
      if (!s.plot.empty()) staged_plot = outputs.stage(s.plot);
    }
    train = read_feature_folder(s.train_dir, /*labels_required=*/true);
    if (!s.val_dir.empty()) val = read_feature_folder(s.val_dir, /*labels_required=*/true);
    const Shape feature_shape(train->features.shape().begin() + 1, train->features.shape().end());
    if (val && Shape(val->features.shape().begin() + 1, val->features.shape().end()) != feature_shape)
      throw Error(s.val_dir + "/features.npy has rows of shape " + shape_to_string(val->features.shape()) +
                  ", unlike " + s.train_dir + "/features.npy " + shape_to_string(train->features.shape()));

    if (s.model_file.empty()) {
      model = build_head(s.head, feature_shape, s.seed);
    } else {
      model = load_model(s.model_file);
      if (model->input_shape() != feature_shape)
        throw Error(s.model_file + " takes inputs of shape " + shape_to_string(model->input_shape()) + " but " +
                    s.train_dir + "/features.npy holds rows of shape " + shape_to_string(feature_shape));
    }
    if (!s.init_weights.empty()) model->load_weights(s.init_weights);
    model->compile(make_optimizer(s.optimizer), s.loss, {"accuracy"});
  });

  FitOptions options{.epochs = s.epochs, .batch_size = s.batch_size, .verbose = s.quiet ? 0 : 1,
                     .shuffle = !s.no_shuffle, .seed = s.seed, .communicator = &job};
  if (val) options.validation_data = ValidationData{val->features, targets_for(*model, val->labels, s.val_dir)};
  History history = model->fit(train->features, targets_for(*model, train->labels, s.train_dir), options);

  distributed::run_together(job, [&] {
    if (!job.is_root()) return;
    model->save(staged_model);
    if (!s.history_csv.empty()) history.save_csv(staged_history);
    if (!s.plot.empty()) history.save_svg(staged_plot);
    outputs.publish();
  });
}

void setup_train(CLI::App& app) {
  auto s = std::make_shared<TrainSettings>();
  CLI::App* cmd = app.add_subcommand("train", "Train a classifier head on extracted features (Keras' fit)");
  add_dtype_policy_option(*cmd);
  cmd->add_option("--train", s->train_dir, "folder from `extract`: features.npy and labels.npy")->required();
  cmd->add_option("--val", s->val_dir, "validation folder from `extract`");
  cmd->add_option("-o,--output", s->output, "the trained model, a Keras model file (.h5)")->required();
  cmd->add_option("--head", s->head,
                  "comma list of flatten, globalaveragepooling2d, globalmaxpooling2d, dense:UNITS[:ACTIVATION], "
                  "dropout:RATE, activation:NAME")
      ->capture_default_str();
  cmd->add_option("--model", s->model_file,
                  "train this Keras model file (.h5, .keras; architecture and weights) instead of a new --head")
      ->excludes(cmd->get_option("--head"));
  add_optimizer_options(*cmd, s->optimizer);
  cmd->add_option("--loss", s->loss,
                  "binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy or mse")
      ->capture_default_str();
  cmd->add_option("--epochs", s->epochs)->capture_default_str();
  cmd->add_option("--batch-size", s->batch_size)->capture_default_str();
  cmd->add_option("--seed", s->seed, "seed of the initial weights, dropout and shuffling")->capture_default_str();
  cmd->add_flag("--no-shuffle", s->no_shuffle, "keep the samples' order every epoch");
  cmd->add_option("--init-weights", s->init_weights, "Keras weights file to start from (matched by layer name)");
  cmd->add_option("--history", s->history_csv, "write the per-epoch figures as CSV (Keras' CSVLogger layout)");
  cmd->add_option("--plot", s->plot, "write the loss and accuracy curves as an SVG picture");
  cmd->add_flag("-q,--quiet", s->quiet, "no log output");
  cmd->callback([s] { run_train(*s); });
}

const CommandRegistration train_registration{"train", setup_train};

}  // namespace
}  // namespace bottleneck::cli
