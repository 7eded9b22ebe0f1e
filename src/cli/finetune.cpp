// bottleneck finetune --train IMGDIR --val IMGDIR --head MODEL.h5 -o FULL.h5: the seed's
// second technique. The pretrained base and a trained head become one model; the base is
// frozen up to --trainable-from and the rest trains at a small learning rate (SGD with
// momentum by default). Without augmentation the frozen part runs once per image.
#include <cstdio>
#include <optional>

#include "bottleneck/applications.hpp"
#include "bottleneck/atomic_file.hpp"
#include "bottleneck/data/augmentation.hpp"
#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/progress.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/transfer/fine_tuning.hpp"
#include "cli/command.hpp"
#include "cli/dtype_policy_option.hpp"
#include "cli/image_model_input.hpp"
#include "cli/model_input_options.hpp"
#include "cli/optimizer_options.hpp"

namespace bottleneck::cli {

namespace {

struct FinetuneSettings {
  std::string train_dir;
  std::string val_dir;
  std::string head;
  std::string output;
  ModelInputOptions model;
  std::string trainable_from;  // empty: the last block of the base
  OptimizerOptions optimizer{"sgd", 1e-4, 0.9};
  int epochs = 5;
  int batch_size = 32;
  uint64_t seed = 0;
  bool no_shuffle = false;
  std::string cache_dir;
  std::string history_csv;
  bool quiet = false;
  // ImageDataGenerator's augmentation (Keras' names); none by default.
  double rotation_range = 0, width_shift_range = 0, height_shift_range = 0, shear_range = 0, zoom_range = 0;
  bool horizontal_flip = false, vertical_flip = false;
  std::string fill_mode = "nearest";
};

// --trainable-from, or the network's top block; a model file names no default.
std::string first_trainable_layer(const FinetuneSettings& s) {
  if (!s.trainable_from.empty()) return s.trainable_from;
  for (const Application* application : applications())
    if (application->name == s.model.model) return application->fine_tuning_cut;
  throw Error("--model " + s.model.model + " is a model file: say which layer to train from with --trainable-from");
}

void run_finetune(const FinetuneSettings& s) {
  // Under an MPI launcher every process builds its share of the cached prefix and trains on
  // its share of each batch; the root alone logs and writes the outputs.
  distributed::Communicator& job = distributed::world();
  const bool quiet = s.quiet || !job.is_root();
  AtomicFileSet outputs;
  std::string staged_model, staged_history;
  std::optional<BaseNetwork> network;
  std::unique_ptr<Model> head;
  distributed::run_together(job, [&] {
    if (s.trainable_from.empty()) first_trainable_layer(s);  // before any work
    if (s.epochs <= 0) throw Error("--epochs must be positive");
    if (s.batch_size <= 0) throw Error("--batch-size must be positive");
    // All outputs or none; an unwritable one is reported before the work, not after.
    if (job.is_root()) {
      staged_model = outputs.stage(s.output);
      if (!s.history_csv.empty()) staged_history = outputs.stage(s.history_csv);
    }
    network.emplace(load_base_network(s.model));
    head = load_model(s.head);
    if (head->input_shape() != network->model->output_shape())
      throw Error(s.head + " takes inputs of shape " + shape_to_string(head->input_shape()) + " but " +
                  s.model.model + " at " + s.model.target_size + " gives " +
                  shape_to_string(network->model->output_shape()) +
                  "; use the --model, --target-size and --pooling the head's features were extracted with");
  });
  const ResolvedModelInput& input = network->input;
  std::unique_ptr<Model>& base = network->model;

  Model model(base->input(), (*head)(base->output()), "model", s.seed);
  const std::string loss = head->compiled() ? head->loss()->name() : "binary_crossentropy";
  model.compile(make_optimizer(s.optimizer), loss, {"accuracy"});

  ImageDataGenerator augmenting({.preprocessing = input.preprocessing,
                                 .rotation_range = s.rotation_range,
                                 .width_shift_range = s.width_shift_range,
                                 .height_shift_range = s.height_shift_range,
                                 .shear_range = s.shear_range,
                                 .zoom_range = s.zoom_range,
                                 .fill_mode = parse_fill_mode(s.fill_mode),
                                 .horizontal_flip = s.horizontal_flip,
                                 .vertical_flip = s.vertical_flip});
  ImageDataGenerator plain({.preprocessing = input.preprocessing});
  FlowOptions flow{.target_size = input.target_size, .class_mode = class_mode_for(model), .batch_size = s.batch_size,
                   .shuffle = false, .seed = s.seed, .interpolation = input.interpolation};
  FlowOptions train_flow = flow;
  train_flow.shuffle = augmenting.augments() && !s.no_shuffle;  // cached features are shuffled by fit instead
  DirectoryIterator train = augmenting.flow_from_directory(s.train_dir, train_flow);
  std::optional<DirectoryIterator> val;
  if (!s.val_dir.empty()) val = plain.flow_from_directory(s.val_dir, flow);

  auto say = [&](const std::string& line) {
    if (!quiet) std::printf("%s\n", line.c_str());
  };
  say(train.found_message());
  if (val) say(val->found_message());
  int64_t total = train.samples() + (val ? val->samples() : 0);
  Progress progress("frozen prefix", total, "images", quiet);
  int64_t offset = 0, last = 0;  // the train set, then the validation set, go through the prefix
  FineTuneOptions options{
      .fit = {.epochs = s.epochs, .batch_size = s.batch_size, .verbose = s.quiet ? 0 : 1, .shuffle = !s.no_shuffle,
              .seed = s.seed, .communicator = &job},
      .cache_dir = s.cache_dir,
      .extraction = {.on_progress =
                         [&](int64_t done) {
                           if (done < last) offset += last;
                           last = done;
                           progress.update(offset + done);
                         },
                     .on_skip = [&](const SkippedFile& f) { progress.note("skipped " + f.filename + ": " + f.error); }},
      .log = say};
  History history =
      fine_tune(model, first_trainable_layer(s), train,
                val ? &*val : nullptr, options);
  distributed::run_together(job, [&] {
    if (!job.is_root()) return;
    model.save(staged_model);
    if (!s.history_csv.empty()) history.save_csv(staged_history);
    outputs.publish();
  });
}

void setup_finetune(CLI::App& app) {
  auto s = std::make_shared<FinetuneSettings>();
  CLI::App* cmd = app.add_subcommand("finetune", "Fine-tune the top of the base network together with a trained head");
  add_dtype_policy_option(*cmd);
  cmd->add_option("--train", s->train_dir, "training images: a folder of class subfolders")->required();
  cmd->add_option("--val", s->val_dir, "validation images: a folder of class subfolders");
  cmd->add_option("--head", s->head, "the head trained by `bottleneck train` (.h5)")->required();
  cmd->add_option("-o,--output", s->output, "the fine-tuned model, base and head (.h5, Keras layout)")->required();
  add_model_input_options(*cmd, s->model);
  cmd->add_option("--trainable-from", s->trainable_from,
                  "first layer to train (default: the network's top block: " +
                      for_each_application([](const Application& a) { return a.fine_tuning_cut; }) + ")");
  add_optimizer_options(*cmd, s->optimizer);
  cmd->add_option("--epochs", s->epochs)->capture_default_str();
  cmd->add_option("--batch-size", s->batch_size)->capture_default_str();
  cmd->add_option("--seed", s->seed, "seed of the shuffling order")->capture_default_str();
  cmd->add_flag("--no-shuffle", s->no_shuffle, "keep the samples' order every epoch");
  cmd->add_option("--cache-dir", s->cache_dir, "where to keep the frozen prefix's outputs (default: a temporary folder)");
  cmd->add_option("--history", s->history_csv, "write the per-epoch figures as CSV");
  cmd->add_option("--rotation-range", s->rotation_range, "augmentation: random rotation, degrees");
  cmd->add_option("--width-shift-range", s->width_shift_range, "augmentation: horizontal shift (fraction or pixels)");
  cmd->add_option("--height-shift-range", s->height_shift_range, "augmentation: vertical shift (fraction or pixels)");
  cmd->add_option("--shear-range", s->shear_range, "augmentation: shear angle, degrees");
  cmd->add_option("--zoom-range", s->zoom_range, "augmentation: zoom in [1-z, 1+z]");
  cmd->add_flag("--horizontal-flip", s->horizontal_flip, "augmentation: random left-right flips");
  cmd->add_flag("--vertical-flip", s->vertical_flip, "augmentation: random up-down flips");
  cmd->add_option("--fill-mode", s->fill_mode, "constant, nearest, reflect or wrap")->capture_default_str();
  cmd->add_flag("-q,--quiet", s->quiet, "no log output");
  cmd->callback([s] { run_finetune(*s); });
}

const CommandRegistration finetune_registration{"finetune", setup_finetune};

}  // namespace
}  // namespace bottleneck::cli
