#include "bottleneck/transfer/feature_extraction.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/file_hash.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/layers/global_pooling2d.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/stage_times.hpp"
#include "data/skipped_files_log.hpp"

namespace bottleneck {

std::unique_ptr<Model> features_of(std::unique_ptr<Model> base, const std::string& layer, const std::string& pooling) {
  SymbolicTensor x = global_pooling(layer.empty() ? base->output() : base->get_layer_output(layer), pooling);
  if (layer.empty() && x.node() == base->output().node()) return base;
  const std::string name = base->name() + (layer.empty() ? "" : "_to_" + layer);
  return std::make_unique<Model>(base->input(), x, name);
}

OnError parse_on_error(const std::string& name) {
  if (name == "skip") return OnError::skip;
  if (name == "fail") return OnError::fail;
  throw Error("on-error must be skip or fail, not '" + name + "'");
}

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// How far an interrupted run got: whole batches only, so a resumed run meets the same
// batches (and so the same arithmetic) as an uninterrupted one.
struct Checkpoint {
  int64_t batches_done = 0;
  int64_t rows_done = 0;
  std::vector<SkippedFile> skipped;
  uint64_t skipped_bytes = 0;  // of the skipped files' log that belong to this checkpoint
};

// The files (handled or skipped) in the first `batches` batches of the epoch.
int64_t files_in_batches(const DirectoryIterator& images, int64_t batches) {
  return std::min(batches * images.batch_size(), images.samples());
}

// What a checkpoint must have been made for to be continued by this run.
json run_identity(const DirectoryIterator& images, const Shape& row_shape, const std::string& run_id) {
  // Names, sizes and modification times: an image replaced under the same name is another input.
  std::string listing;
  for (int64_t index : images.index_array())
    listing += images.filenames()[static_cast<size_t>(index)] + '\t' + file_signature(images.filepath(index)) + '\n';
  return {{"images_sha256", text_sha256(listing)},
          {"batch_size", images.batch_size()},
          {"row_shape", row_shape},
          {"run_id", run_id}};
}

// Names what differs between the identity a checkpoint was made for and this run's.
std::vector<std::string> identity_differences(const json& recorded, const json& current) {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"images_sha256", "images"}, {"batch_size", "batch size"}, {"row_shape", "model output shape"}};
  std::vector<std::string> differences;
  for (const auto& [key, name] : names)
    if (recorded.value(key, json()) != current.at(key)) differences.push_back(name);
  const std::string recorded_id = recorded.value("run_id", std::string()), current_id = current.at("run_id");
  if (recorded_id != current_id) {
    // A run_id that is a JSON object (the command line's settings) can say which setting changed.
    const json a = json::parse(recorded_id, nullptr, false), b = json::parse(current_id, nullptr, false);
    if (a.is_object() && b.is_object()) {
      for (const auto& [key, value] : b.items())
        if (a.value(key, json()) != value) differences.push_back(key);
      for (const auto& [key, value] : a.items())
        if (!b.contains(key)) differences.push_back(key);
    } else {
      differences.push_back("settings");
    }
  }
  return differences;
}

Checkpoint read_checkpoint(const std::string& path, const std::string& skipped_path, const json& identity,
                           const DirectoryIterator& images) {
  try {
    std::ifstream in(path);
    const json record = json::parse(in);
    std::vector<std::string> differences = identity_differences(record.at("run"), identity);
    if (!differences.empty()) {
      std::string list;
      for (const std::string& d : differences) list += (list.empty() ? "" : ", ") + d;
      throw Error("cannot resume from " + path + ": it was made with other " + list +
                  "; start over without resuming");
    }
    Checkpoint checkpoint{record.at("batches_done").get<int64_t>(), record.at("rows_done").get<int64_t>(), {},
                          record.at("skipped_bytes").get<uint64_t>()};
    checkpoint.skipped = SkippedFilesLog::read(skipped_path, checkpoint.skipped_bytes);
    if (checkpoint.batches_done < 0 || checkpoint.batches_done > images.len() ||
        checkpoint.rows_done + static_cast<int64_t>(checkpoint.skipped.size()) !=
            files_in_batches(images, checkpoint.batches_done))
      throw Error("cannot resume from " + path + ": its counts do not add up");
    return checkpoint;
  } catch (const json::exception& e) {
    throw Error("cannot resume from " + path + ": " + e.what());
  }
}

void write_checkpoint(const std::string& path, const json& identity, int64_t batches_done, int64_t rows_done,
                      uint64_t skipped_bytes) {
  const json record = {
      {"run", identity}, {"batches_done", batches_done}, {"rows_done", rows_done}, {"skipped_bytes", skipped_bytes}};
  write_text_file(path, record.dump(1) + "\n");
}

}  // namespace

ExtractionResult predict_to_npy(Model& model, const DirectoryIterator& images, const std::string& npy_path,
                                const ExtractionOptions& options) {
  distributed::Communicator& job = options.communicator ? *options.communicator : distributed::single_process();
  Shape shape = model.output_shape();
  shape.insert(shape.begin(), images.samples());
  const std::string partial_path = npy_path + ".partial", record_path = npy_path + ".progress.json",
                    skipped_path = npy_path + ".skipped";
  // The records are the root's; the other processes learn where to start from it.
  const bool keeps_records = options.resumable && job.is_root();
  json identity;
  Checkpoint checkpoint;
  std::optional<SkippedFilesLog> skipped_log;
  distributed::run_together(job, [&] {
    if (!keeps_records) return;
    identity = run_identity(images, model.output_shape(), options.run_id);
    if (options.resume && fs::exists(record_path)) checkpoint = read_checkpoint(record_path, skipped_path, identity, images);
    else fs::remove(record_path);
    skipped_log.emplace(skipped_path, checkpoint.skipped_bytes);
  });
  job.broadcast(&checkpoint.batches_done, sizeof checkpoint.batches_done, 0);
  job.broadcast(&checkpoint.rows_done, sizeof checkpoint.rows_done, 0);
  checkpoint.skipped = SkippedFilesLog::files_of(job.broadcast(SkippedFilesLog::lines_of(checkpoint.skipped), 0));
  NpyWriter features = options.resumable ? NpyWriter(npy_path, shape, partial_path, checkpoint.rows_done, job)
                                         : NpyWriter(npy_path, shape, job);

  ExtractionResult result;
  result.skipped = checkpoint.skipped;
  result.files_resumed = files_in_batches(images, checkpoint.batches_done);
  if (result.files_resumed > 0 && options.on_resume) options.on_resume(result.files_resumed);

  int64_t batches_done = checkpoint.batches_done;
  const auto remove_records = [&] {
    if (!keeps_records) return;
    std::error_code ignored;
    fs::remove(record_path, ignored);
    fs::remove(skipped_path, ignored);
  };
  // Each step takes the next size() batches, one a process, so the rows of a step follow
  // in rank order and every step ends at a point the records can name.
  BatchPrefetcher prefetcher(images, options.workers > 0 ? options.workers : default_prefetch_workers(), 2,
                             checkpoint.batches_done + job.rank(), job.size());
  Model::ConstantWeights constant(model);  // kernels folded and reordered once for the run
  try {
    while (batches_done < images.len()) {
      std::optional<LoadedBatch> batch;
      Tensor y;
      distributed::run_together(job, [&] {
        throw_if_interrupted();
        if (batches_done + job.rank() >= images.len()) return;  // no batch left for this process
        batch = prefetcher.next();
        if (options.on_error == OnError::fail && !batch->skipped.empty())
          throw Error("cannot read " + images.filepath(batch->skipped.front().index).string() + ": " +
                      batch->skipped.front().error);
        StageTimer timer(Stage::forward);
        if (!batch->file_indices.empty()) y = model.predict(batch->x, static_cast<int>(batch->x.dim(0)));
      });
      {
        StageTimer timer(Stage::write);
        features.write_rows(y.data(), batch && !batch->file_indices.empty() ? y.dim(0) : 0);
      }
      std::vector<SkippedFile> skipped;
      for (const std::string& lines : job.all_gather(SkippedFilesLog::lines_of(batch ? batch->skipped : skipped))) {
        const std::vector<SkippedFile> files = SkippedFilesLog::files_of(lines);
        skipped.insert(skipped.end(), files.begin(), files.end());
      }
      for (const SkippedFile& file : skipped)
        if (options.on_skip) options.on_skip(file);
      result.skipped.insert(result.skipped.end(), skipped.begin(), skipped.end());
      batches_done = std::min(batches_done + job.size(), images.len());
      if (options.resumable) {
        // Rows and skipped files first: a record never counts what is not on disk.
        features.sync();
        distributed::run_together(job, [&] {
          if (!keeps_records) return;
          skipped_log->append(skipped);
          write_checkpoint(record_path, identity, batches_done, features.rows_written(), skipped_log->bytes());
        });
      }
      if (options.on_progress) options.on_progress(files_in_batches(images, batches_done));
    }
  } catch (const Interrupted&) {
    if (options.resumable) features.keep_partial();
    throw;
  } catch (...) {
    remove_records();
    throw;
  }
  // The record goes first: a kill between the two leaves a partial file that a resumed run
  // starts afresh, never a record of a partial file that has been renamed away.
  remove_records();
  features.commit_rows_written();
  shape[0] = features.rows_written();
  result.features_shape = shape;
  // Row i is the i-th file, in the images' order, that no process skipped.
  std::set<int64_t> skipped_files;
  for (const SkippedFile& f : result.skipped) skipped_files.insert(f.index);
  for (int64_t file : images.index_array())
    if (!skipped_files.count(file)) result.file_indices.push_back(file);
  return result;
}

}  // namespace bottleneck
