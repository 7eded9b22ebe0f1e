#include "bottleneck/transfer/fine_tuning.hpp"

#include <unistd.h>

#include <filesystem>
#include <map>

#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/training/data_adapters/directory_batches.hpp"
#include "core/temporary_files.hpp"

namespace bottleneck {

namespace fs = std::filesystem;

void set_trainable_from(Model& model, const std::string& first_trainable) {
  model.get_layer(first_trainable);  // throws, naming it, when absent
  bool trainable = false;
  for (const LayerPtr& layer : model.layers()) {
    if (layer->name() == first_trainable) trainable = true;
    layer->trainable = trainable;
  }
}

namespace {

// Rebuilds the graph above `cut` on a fresh Input, calling the same layer objects again.
class SuffixBuilder {
public:
  SuffixBuilder(const SymbolicNode* cut, SymbolicTensor replacement, std::string layer_name)
      : cut_(cut), replacement_(std::move(replacement)), layer_name_(std::move(layer_name)) {}

  SymbolicTensor rebuild(const SymbolicTensor& x) {
    const SymbolicNode* node = x.node().get();
    if (node == cut_) return replacement_;
    auto done = rebuilt_.find(node);
    if (done != rebuilt_.end()) return done->second;
    if (node->inputs.empty())
      throw Error("cannot cut the model at " + layer_name_ + ": layer " + node->layer->name() +
                  " after it also reads the model's input");
    std::vector<SymbolicTensor> inputs;
    for (const SymbolicTensor& input : node->inputs) inputs.push_back(rebuild(input));
    SymbolicTensor y = call_layer(node->layer, inputs);
    rebuilt_.emplace(node, y);
    return y;
  }

private:
  const SymbolicNode* cut_;
  SymbolicTensor replacement_;
  std::string layer_name_;
  std::map<const SymbolicNode*, SymbolicTensor> rebuilt_;
};

}  // namespace

ModelSplit split_model(const Model& model, const std::string& layer_name) {
  const SymbolicNode* node = model.get_layer_output(layer_name).node().get();
  if (node->inputs.size() != 1)
    throw Error("cannot cut the model at " + layer_name + ": it takes " + std::to_string(node->inputs.size()) + " inputs");
  const SymbolicTensor& cut = node->inputs[0];
  SuffixBuilder builder(cut.node().get(), Input(cut.shape(), layer_name + "_input"), layer_name);
  SymbolicTensor suffix_input = builder.rebuild(cut);
  SymbolicTensor suffix_output = builder.rebuild(model.output());
  ModelSplit split;
  split.frozen_prefix = std::make_unique<Model>(model.input(), cut, model.name() + "_frozen_prefix");
  split.trainable_suffix = std::make_unique<Model>(suffix_input, suffix_output, model.name() + "_trainable_suffix");
  return split;
}

namespace {

struct CachedSet {
  std::string features_path;
  Tensor targets;
};

// The frozen prefix's outputs for every readable image, and the targets of those rows.
CachedSet cache_prefix(Model& prefix, const DirectoryIterator& images, const std::string& path,
                       const ExtractionOptions& extraction) {
  ExtractionResult result = predict_to_npy(prefix, images, path, extraction);
  if (result.file_indices.empty()) throw Error("no readable images in " + images.directory().string());
  return {path, images.targets(result.file_indices, Tensor())};
}

}  // namespace

History fine_tune(Model& model, const std::string& first_trainable, DirectoryIterator& train,
                  DirectoryIterator* validation, const FineTuneOptions& options) {
  if (!model.compiled()) throw Error("model " + model.name() + " must be compiled before fine-tuning");
  set_trainable_from(model, first_trainable);
  auto say = [&](const std::string& message) {
    if (options.log) options.log(message);
  };
  // The whole network on every image, every epoch.
  auto fit_uncached = [&](const std::string& why) {
    say(why);
    DirectoryBatches train_batches(train, options.extraction.workers > 0 ? options.extraction.workers
                                                                         : default_prefetch_workers());
    std::optional<DirectoryBatches> validation_batches;
    if (validation) validation_batches.emplace(*validation);
    return model.fit(train_batches, validation_batches ? &*validation_batches : nullptr, options.fit);
  };
  // Each epoch sees new random transformations: the frozen part must run on every one.
  if (train.augments()) return fit_uncached("Augmentation is on: every epoch runs the whole network on freshly transformed images.");

  ModelSplit split;
  try {
    split = split_model(model, first_trainable);
  } catch (const Error& e) {
    // A cut inside a residual block: more than one tensor crosses it (the block's input also
    // feeds its Add), and the prefix's outputs would not be one array to cache.
    return fit_uncached(std::string("No cached frozen prefix: ") + e.what() +
                        "; every epoch runs the whole network.");
  }
  // A cache folder of our own goes away however fine_tune ends; one the caller named stays.
  // In a job of several processes the root's folder is everyone's (its files are written by
  // all, as one extraction).
  struct TemporaryFolder {
    fs::path path;
    ~TemporaryFolder() {
      std::error_code ignored;
      if (!path.empty()) fs::remove_all(path, ignored);
      forget_temporary(path);
    }
  } own_cache;
  distributed::Communicator& job =
      options.fit.communicator ? *options.fit.communicator : distributed::single_process();
  fs::path cache = options.cache_dir;
  distributed::run_together(job, [&] {
    if (!job.is_root()) return;
    if (cache.empty()) {
      cache = own_cache.path = fs::temp_directory_path() / ("bottleneck-prefix-" + std::to_string(::getpid()));
      remember_temporary(cache);  // an immediate stop (a second Ctrl-C) removes it too
    }
    fs::create_directories(cache);
  });
  cache = job.broadcast(cache.string(), 0);
  say("Using a cached frozen prefix: " + model.layers().front()->name() + " .. the input of " + first_trainable + " " +
      shape_to_string(split.frozen_prefix->output_shape()) + " is computed once per image and kept in " +
      cache.string() + "; each epoch trains " + first_trainable + " onwards from it.");
  ExtractionOptions extraction = options.extraction;
  extraction.communicator = &job;  // the processes that train together build the cache together
  CachedSet train_set = cache_prefix(*split.frozen_prefix, train, (cache / "train.npy").string(), extraction);
  std::optional<CachedSet> validation_set;
  if (validation)
    validation_set = cache_prefix(*split.frozen_prefix, *validation, (cache / "validation.npy").string(), extraction);

  Model& suffix = *split.trainable_suffix;
  std::vector<std::string> metrics = model.metrics_names();
  metrics.erase(metrics.begin());  // "loss"
  suffix.compile(model.optimizer(), model.loss()->name(), metrics);
  FitOptions fit = options.fit;
  if (validation_set)
    fit.validation_data =
        ValidationData{Samples::memory_map(validation_set->features_path), Samples(validation_set->targets)};
  History history = suffix.fit(Samples::memory_map(train_set.features_path), Samples(train_set.targets), fit);
  return history;
}

}  // namespace bottleneck
