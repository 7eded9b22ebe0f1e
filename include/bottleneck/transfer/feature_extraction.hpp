#pragma once
// Bulk feature extraction: a model run over every image of a DirectoryIterator, in its
// order, with decoding on worker threads, rows streamed to a .npy as they are produced
// (memory does not grow with the number of images). Unreadable images are skipped, or
// stop the run, as asked.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bottleneck/data.hpp"
#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/models/model.hpp"

namespace bottleneck {

// A network as a feature extractor: Keras' Model(base.input, base.get_layer(layer).output)
// (the whole base when `layer` is empty), with "avg" or "max" global pooling on top as
// keras.applications' pooling argument does ("none" for none).
std::unique_ptr<Model> features_of(std::unique_ptr<Model> base, const std::string& layer, const std::string& pooling);

enum class OnError { skip, fail };
OnError parse_on_error(const std::string& name);  // "skip" or "fail"

struct ExtractionOptions {
  // The processes sharing the work (an MPI job); nullptr: this one. Every process of a job
  // calls predict_to_npy with the same images and options; each takes every size()-th batch
  // (its rank's), all write their rows into the one file in the images' order, the root
  // keeps the records, and every process gets the whole result.
  distributed::Communicator* communicator = nullptr;
  OnError on_error = OnError::skip;
  int workers = 0;  // decoding threads; 0: default_prefetch_workers()
  // Resumable runs (a large folder takes hours): the rows go to "<npy_path>.partial" and
  // after every batch they are synced to disk and the progress recorded in
  // "<npy_path>.progress.json"; a run stopped by Interrupted, or killed, leaves both behind.
  // With `resume` a run continues after the last recorded batch, giving the same file as an
  // uninterrupted run; a record made for other images, batch size, output shape or run_id
  // is an error. Without `resume` they are started afresh.
  bool resumable = false;
  bool resume = false;
  std::string run_id;  // whatever else decides the rows (weights, preprocessing), as the caller words it
  // Called after each batch with the number of files handled so far, and for each skipped file.
  std::function<void(int64_t files_done)> on_progress;
  std::function<void(const SkippedFile& skipped)> on_skip;
  // Called before the first batch when continuing an interrupted run, with the files it handled.
  std::function<void(int64_t files_done)> on_resume;
};

struct ExtractionResult {
  Shape features_shape;               // (rows, ...model output)
  std::vector<int64_t> file_indices;  // row i is the iterator's file file_indices[i]
  std::vector<SkippedFile> skipped;
  int64_t files_resumed = 0;          // files handled by the interrupted run this one continued
};

// Writes model.predict of each image to `npy_path` (float32), atomically: nothing appears
// under that name unless the run completes. With OnError::fail, the first unreadable image
// throws an Error naming it. An interrupt request (interrupt.hpp) stops it between batches.
ExtractionResult predict_to_npy(Model& model, const DirectoryIterator& images, const std::string& npy_path,
                                const ExtractionOptions& options = {});

}  // namespace bottleneck
