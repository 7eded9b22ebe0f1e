// bottleneck extract INPUT -o OUTDIR: bottleneck features of one image or of a folder tree
// (Keras' flow_from_directory order), streamed to OUTDIR/features.npy with labels.npy,
// files.txt, classes.txt and meta.json beside it; row i of each describes the same image.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "bottleneck/applications.hpp"
#include "bottleneck/atomic_file.hpp"
#include "bottleneck/data.hpp"
#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/escaped_names.hpp"
#include "bottleneck/file_hash.hpp"
#include "bottleneck/folder_lock.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/preprocessing.hpp"
#include "bottleneck/progress.hpp"
#include "bottleneck/stage_times.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"
#include "cli/command.hpp"
#include "cli/dtype_policy_option.hpp"
#include "cli/model_input_options.hpp"
#include "cli/thread_options.hpp"

namespace bottleneck::cli {

namespace {

namespace fs = std::filesystem;

struct ExtractSettings {
  std::string input;
  std::string output_dir;
  ModelInputOptions model;
  int batch_size = 16;
  int threads = 0;
  int workers = 0;
  std::string on_error = "skip";
  bool resume = false;
  bool quiet = false;
  bool timings = false;
};

struct ExtractedRows {
  std::vector<std::string> files;
  std::vector<int32_t> labels;
  std::vector<std::string> class_names;
  std::vector<SkippedFile> skipped;
  Shape feature_shape;
};

// One name a line, escaped: a newline in a name would otherwise shift every row after it.
std::string lines(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += escape_name(name) + "\n";
  return text;
}

std::vector<std::string> escaped(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) out.push_back(escape_name(name));
  return out;
}

// An output folder inside the input folder would be listed as a class (or its staging
// folder would): refused before anything is created.
void check_output_outside_input(const ExtractSettings& s) {
  if (!fs::is_directory(s.input)) return;
  const fs::path input = fs::weakly_canonical(s.input), output = fs::weakly_canonical(s.output_dir);
  const auto [in_end, out_at] = std::mismatch(input.begin(), input.end(), output.begin(), output.end());
  if (in_end == input.end())
    throw Error("cannot write to " + s.output_dir + ": it is inside the input folder " + s.input +
                ", whose subfolders are read as classes; choose an output folder outside it");
}

// predict_to_npy's record of how far a resumable run got, beside its partial features.
const std::string progress_record = "features.npy.progress.json";

// The outputs, in the order they are moved into place (meta.json last: it marks a complete run).
const std::vector<std::string> output_names = {"features.npy", "labels.npy", "files.txt", "classes.txt", "meta.json"};

// Every output is written into OUTDIR/.extract-partial first and moved into OUTDIR only
// when all of them are complete, so a failed or killed run leaves the previous outputs (or
// none), never a truncated file or a features.npy without its labels. An interrupted or
// killed run leaves the folder for --resume to continue from; a run without it starts afresh.
// In a job of several processes only the root's StagingFolder touches the disk.
class StagingFolder {
public:
  StagingFolder(const fs::path& output_dir, bool resume, bool owner)
      : output_dir_(output_dir), path_(output_dir / ".extract-partial"), owner_(owner) {
    if (!owner_) return;
    if (!resume && fs::exists(path_)) {
      discarded_run_ = true;
      fs::remove_all(path_);
    }
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec) throw Error("cannot create " + path_.string() + ": " + ec.message());
  }
  // A run that stopped with its progress recorded (interrupted, or refused to resume it)
  // leaves the folder to be resumed; one that failed otherwise leaves nothing.
  ~StagingFolder() {
    std::error_code ignored;
    if (owner_ && !fs::exists(path_ / progress_record, ignored)) fs::remove_all(path_, ignored);
  }
  bool discarded_run() const { return discarded_run_; }
  bool resumable() const { return fs::exists(path_ / progress_record); }
  std::string path() const { return path_.string(); }
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;

  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  // Replaces OUTDIR's outputs by the staged ones; outputs of an earlier run that this run
  // did not produce (labels of a labelled input, say) are removed.
  void publish() const {
    // Without meta.json a folder reads as incomplete, should the moves below be interrupted.
    std::error_code ignored;
    fs::remove(output_dir_ / "meta.json", ignored);
    for (const std::string& name : output_names) {
      const fs::path staged = path_ / name, target = output_dir_ / name;
      std::error_code ec;
      if (fs::exists(staged)) fs::rename(staged, target, ec);
      else fs::remove(target, ec);
      if (ec) throw Error("cannot write " + target.string() + ": " + ec.message());
    }
  }

private:
  fs::path output_dir_;
  fs::path path_;
  bool owner_;
  bool discarded_run_ = false;
};

ExtractedRows extract_image(const ExtractSettings& s, Model& model, const ResolvedModelInput& input,
                            const StagingFolder& staging, distributed::Communicator& job) {
  Tensor features = model.predict(input.load_image_batch(s.input));
  if (job.is_root()) save_npy(staging / "features.npy", features);
  return {{fs::path(s.input).filename().string()}, {}, {}, {}, features.shape()};
}

// "A folder of class subfolders (or of images)": without subfolders the images are unlabelled.
bool has_subfolders(const fs::path& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_directory(ec)) return true;
  return false;
}

ExtractedRows extract_directory(const ExtractSettings& s, Model& model, const ResolvedModelInput& input,
                                const std::string& run_id, const StagingFolder& staging,
                                distributed::Communicator& job) {
  DirectoryIterator iterator = input.flow_from_directory(
      s.input, has_subfolders(s.input) ? ClassMode::sparse : ClassMode::none, s.batch_size);
  Progress progress("extract", iterator.samples(), "images", s.quiet || !job.is_root());
  progress.note(iterator.found_message());
  if (staging.discarded_run())
    progress.note("discarded the interrupted run in " + staging.path() + " (--resume continues one)");
  if (s.resume && !staging.resumable())
    progress.note("nothing to resume in " + s.output_dir + "; starting from the first image");
  int64_t files_done = 0;
  ExtractionResult extracted;
  try {
    extracted = predict_to_npy(
        model, iterator, staging / "features.npy",
        {.communicator = &job,
         .on_error = parse_on_error(s.on_error),
         .workers = capped_thread_count(s.workers, "--workers"),
         .resumable = true,
         .resume = s.resume,
         .run_id = run_id,
         .on_progress = [&](int64_t done) { progress.update(files_done = done); },
         .on_skip = [&](const SkippedFile& f) { progress.note("skipped " + escape_name(f.filename) + ": " + f.error); },
         .on_resume =
             [&](int64_t done) {
               progress.note("resuming after " + std::to_string(done) + " of " +
                             std::to_string(iterator.samples()) + " images");
               progress.resume_from(files_done = done);
             }});
  } catch (const Interrupted& e) {
    distributed::rethrow_with_message(e, std::string(e.what()) + " after " + std::to_string(files_done) + " of " +
                                      std::to_string(iterator.samples()) + " images; --resume continues");
  }
  progress.finish();

  ExtractedRows rows{{}, {}, iterator.class_names(), extracted.skipped, extracted.features_shape};
  for (int64_t index : extracted.file_indices) {
    rows.files.push_back(iterator.filenames()[index]);
    if (!iterator.class_names().empty()) rows.labels.push_back(iterator.classes()[index]);
  }
  return rows;
}

// One line on stderr: the wall time of the run and of building the network, then the seconds
// each pipeline stage took, summed over the threads that ran it.
void print_timings(double wall_seconds, double model_seconds) {
  const StageTimes t = stage_times();
  std::fprintf(stderr,
               "time: %.3f s in all, %.3f s building the network; forward %.3f s and write %.3f s on the main "
               "thread; decode %.3f s, resize %.3f s and preprocess %.3f s on the decoding threads\n",
               wall_seconds, model_seconds, t.seconds(Stage::forward), t.seconds(Stage::write),
               t.seconds(Stage::decode), t.seconds(Stage::resize), t.seconds(Stage::preprocess));
}

void run_extract(const ExtractSettings& s) {
  const auto started = std::chrono::steady_clock::now();
  double model_seconds = 0.0;
  // Under an MPI launcher every process checks the arguments, loads the network and computes
  // its share; the root alone locks, stages and publishes the outputs.
  distributed::Communicator& job = distributed::world();
  std::optional<BaseNetwork> base;
  std::optional<FolderLock> one_run_at_a_time;  // the staging folder below is shared by name
  std::optional<StagingFolder> staging;
  distributed::run_together(job, [&] {
    parse_on_error(s.on_error);
    if (s.batch_size <= 0) throw Error("--batch-size must be positive");
    if (!fs::exists(s.input)) throw Error("cannot read " + s.input + ": no such file or directory");
    if (fs::exists(s.output_dir) && !fs::is_directory(s.output_dir))
      throw Error("cannot write to " + s.output_dir + ": it exists and is not a directory");
    // meta.json records the input path, and JSON holds only UTF-8.
    if (!is_utf8(s.input)) throw Error("cannot use " + escape_name(s.input) + " as input: its path is not valid UTF-8");
    check_output_outside_input(s);
    if (s.threads) omp_set_num_threads(capped_thread_count(s.threads, "--threads"));
    const auto loading = std::chrono::steady_clock::now();
    base.emplace(load_base_network(s.model));
    model_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loading).count();

    if (!job.is_root()) return;
    std::error_code ec;
    fs::create_directories(s.output_dir, ec);
    if (ec) throw Error("cannot create " + s.output_dir + ": " + ec.message());
    one_run_at_a_time.emplace(s.output_dir);
    staging.emplace(s.output_dir, s.resume, true);
  });
  if (!job.is_root()) staging.emplace(s.output_dir, s.resume, false);

  const ResolvedModelInput& input = base->input;
  Model* model = base->model.get();
  nlohmann::json meta = model_input_metadata(s.model, input);
  meta["input"] = s.input;
  const bool is_directory = fs::is_directory(s.input);
  ExtractedRows rows = is_directory ? extract_directory(s, *model, input, meta.dump(), *staging, job)
                                    : extract_image(s, *model, input, *staging, job);

  distributed::run_together(job, [&] {
    if (!job.is_root()) return;
    if (!rows.labels.empty()) save_npy(*staging / "labels.npy", rows.labels);
    write_text_file(*staging / "files.txt", lines(rows.files));
    if (!rows.class_names.empty()) write_text_file(*staging / "classes.txt", lines(rows.class_names));

    nlohmann::json skipped = nlohmann::json::array();
    for (const SkippedFile& f : rows.skipped)
      skipped.push_back({{"file", escape_name(f.filename)}, {"error", escape_name(f.error)}});
    meta["count"] = rows.files.size();
    meta["features_shape"] = rows.feature_shape;
    meta["labelled"] = !rows.labels.empty();
    meta["classes"] = escaped(rows.class_names);
    meta["skipped"] = skipped;
    write_text_file(*staging / "meta.json", meta.dump(2) + "\n");
    staging->publish();
  });

  if (!s.quiet && job.is_root()) {
    // The seed's first program prints the input and the output shapes.
    Shape in{static_cast<int64_t>(rows.files.size()), input.target_size.height, input.target_size.width, 3};
    std::printf("input %s -> features %s in %s\n", shape_to_string(in).c_str(),
                shape_to_string(rows.feature_shape).c_str(), (fs::path(s.output_dir) / "features.npy").c_str());
  }
  if (s.timings && job.is_root())
    print_timings(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), model_seconds);
}

void setup_extract(CLI::App& app) {
  auto settings = std::make_shared<ExtractSettings>();
  CLI::App* cmd = app.add_subcommand("extract", "Bottleneck features of an image or a folder of class subfolders");
  add_dtype_policy_option(*cmd);
  cmd->add_option("input", settings->input, "an image, or a folder of class subfolders (or of images)")->required();
  cmd->add_option("-o,--output", settings->output_dir, "output folder")->required();
  add_model_input_options(*cmd, settings->model);
  cmd->add_option("--layer", settings->model.layer,
                  "features from this layer's output instead of the network's (Keras' get_layer(NAME).output)");
  cmd->add_option("--batch-size", settings->batch_size, "images per forward pass")->capture_default_str();
  cmd->add_option("--threads", settings->threads, "compute threads (default: all cores)")->check(positive_thread_count());
  cmd->add_option("--workers", settings->workers, "image decoding threads (default: half the cores)")
      ->check(positive_thread_count());
  cmd->add_option("--on-error", settings->on_error, "skip (default) or fail on an unreadable image")->capture_default_str();
  cmd->add_flag("--resume", settings->resume,
                "continue the interrupted (Ctrl-C'd or killed) run into the same output folder");
  cmd->add_flag("-q,--quiet", settings->quiet, "no progress output");
  cmd->add_flag("--timings", settings->timings,
                "at the end, where the time went: building the network, forward, write, decode, resize, preprocess");
  cmd->callback([settings] { run_extract(*settings); });
}

const CommandRegistration extract_registration{"extract", setup_extract};

}  // namespace
}  // namespace bottleneck::cli
