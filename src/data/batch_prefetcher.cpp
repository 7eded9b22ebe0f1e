// BatchPrefetcher: worker threads decode the images of its batches of one epoch, sample by
// sample in epoch order, into a ring of queue_depth batch slots; the consumer takes whole
// batches in order. A worker claims a sample only when its batch has a free slot, which
// bounds memory.
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "bottleneck/data/batch_prefetcher.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

int default_prefetch_workers() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

class BatchPrefetcher::Pipeline {
public:
  Pipeline(const DirectoryIterator& iterator, int workers, int queue_depth, int64_t first_batch,
           int64_t batch_stride);
  ~Pipeline();
  std::optional<LoadedBatch> next();

private:
  // One batch being decoded: a sample (or the reason it failed) per row.
  struct Slot {
    int64_t batch = -1;
    std::vector<Tensor> samples;
    std::vector<std::string> errors;  // empty where the sample loaded
    int64_t pending = 0;              // rows not decoded yet
  };

  void work();
  void stop();
  int64_t rows_of(int64_t batch) const {
    return std::min(batch_size_, static_cast<int64_t>(order_.size()) - batch * batch_size_);
  }
  LoadedBatch assemble(int64_t batch, Slot slot) const;

  const DirectoryIterator& iterator_;
  const std::vector<int64_t> order_;  // the epoch's sample order, fixed at construction
  const int64_t batch_size_;
  const int64_t queue_depth_;
  std::vector<int64_t> batches_;  // the epoch's batches to decode, in order

  std::mutex mutex_;
  std::condition_variable slot_freed_;  // or stopping
  std::condition_variable batch_done_;
  std::vector<Slot> slots_;     // batches_[k] is decoded in slots_[k % queue_depth_]
  int64_t next_claim_ = 0;      // the batch (index into batches_) whose sample goes next to a worker
  int64_t next_claim_row_ = 0;  // and that sample's row in it
  int64_t next_taken_ = 0;      // the batch (index into batches_) the consumer takes next
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

BatchPrefetcher::Pipeline::Pipeline(const DirectoryIterator& iterator, int workers, int queue_depth,
                                    int64_t first_batch, int64_t batch_stride)
    : iterator_(iterator),
      order_(iterator.index_array()),
      batch_size_(iterator.batch_size()),
      queue_depth_(queue_depth),
      slots_(static_cast<size_t>(std::max(queue_depth, 1))) {
  if (workers < 1 || queue_depth < 1 || batch_stride < 1)
    throw Error("BatchPrefetcher needs at least one worker, a queue depth and a batch stride of at least one, for " +
                iterator.directory().string());
  if (first_batch < 0 || first_batch > iterator.len())
    throw Error("BatchPrefetcher: no batch " + std::to_string(first_batch) + " in " + iterator.directory().string() +
                " (" + std::to_string(iterator.len()) + " batches)");
  for (int64_t batch = first_batch; batch < iterator.len(); batch += batch_stride) batches_.push_back(batch);
  const auto thread_count = static_cast<int>(std::min<int64_t>(workers, iterator.samples()));
  try {
    for (int i = 0; i < thread_count; ++i) threads_.emplace_back([this] { work(); });
  } catch (...) {
    stop();
    throw;
  }
}

BatchPrefetcher::Pipeline::~Pipeline() { stop(); }

void BatchPrefetcher::Pipeline::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  slot_freed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void BatchPrefetcher::Pipeline::work() {
  const auto batch_count = static_cast<int64_t>(batches_.size());
  std::unique_lock lock(mutex_);
  for (;;) {
    slot_freed_.wait(lock, [&] {
      return stopping_ || next_claim_ >= batch_count || next_claim_ < next_taken_ + queue_depth_;
    });
    if (stopping_ || next_claim_ >= batch_count) return;

    const int64_t claim = next_claim_;
    const int64_t batch = batches_[static_cast<size_t>(claim)];
    const auto row = static_cast<size_t>(next_claim_row_);
    if (++next_claim_row_ == rows_of(batch)) {
      ++next_claim_;
      next_claim_row_ = 0;
    }
    const int64_t position = batch * batch_size_ + static_cast<int64_t>(row);
    Slot& slot = slots_[static_cast<size_t>(claim % queue_depth_)];
    if (row == 0) {  // samples are claimed in order: the first claimant sets the slot up
      const int64_t rows = rows_of(batch);
      slot.batch = batch;
      slot.samples.assign(static_cast<size_t>(rows), Tensor());
      slot.errors.assign(static_cast<size_t>(rows), std::string());
      slot.pending = rows;
    }
    lock.unlock();

    // A bad file must not end the pipeline: its error travels with the batch instead.
    Tensor sample;
    std::string error;
    try {
      sample = iterator_.load_sample(order_[static_cast<size_t>(position)]);
    } catch (const std::exception& failure) {
      error = *failure.what() ? failure.what() : "unreadable image";
    } catch (...) {
      error = "unknown error";
    }

    lock.lock();
    slot.samples[row] = std::move(sample);
    slot.errors[row] = std::move(error);
    if (--slot.pending == 0) batch_done_.notify_all();
  }
}

std::optional<LoadedBatch> BatchPrefetcher::Pipeline::next() {
  Slot taken;
  int64_t batch = 0;
  {
    std::unique_lock lock(mutex_);
    if (next_taken_ >= static_cast<int64_t>(batches_.size())) return std::nullopt;
    batch = batches_[static_cast<size_t>(next_taken_)];
    Slot& slot = slots_[static_cast<size_t>(next_taken_ % queue_depth_)];
    batch_done_.wait(lock, [&] { return slot.batch == batch && slot.pending == 0; });
    taken = std::move(slot);
    slot = Slot();
    ++next_taken_;
  }
  slot_freed_.notify_all();
  return assemble(batch, std::move(taken));
}

LoadedBatch BatchPrefetcher::Pipeline::assemble(int64_t batch, Slot slot) const {
  LoadedBatch loaded;
  loaded.batch_index = batch;
  const TargetSize size = iterator_.options().target_size;
  const int64_t row_size = int64_t{size.height} * size.width * 3;
  for (size_t row = 0; row < slot.samples.size(); ++row) {
    const int64_t file = order_[static_cast<size_t>(batch * batch_size_) + row];
    if (slot.errors[row].empty()) loaded.file_indices.push_back(file);
    else loaded.skipped.push_back({file, iterator_.filenames()[static_cast<size_t>(file)], slot.errors[row]});
  }
  loaded.x = Tensor({static_cast<int64_t>(loaded.file_indices.size()), size.height, size.width, 3});
  float* destination = loaded.x.data();
  for (size_t row = 0; row < slot.samples.size(); ++row) {
    if (!slot.errors[row].empty()) continue;
    std::memcpy(destination, slot.samples[row].data(), sizeof(float) * static_cast<size_t>(row_size));
    destination += row_size;
  }
  loaded.y = iterator_.targets(loaded.file_indices, loaded.x);
  return loaded;
}

BatchPrefetcher::BatchPrefetcher(const DirectoryIterator& iterator, int workers, int queue_depth, int64_t first_batch,
                                 int64_t batch_stride)
    : pipeline_(std::make_unique<Pipeline>(iterator, workers, queue_depth, first_batch, batch_stride)) {}

BatchPrefetcher::~BatchPrefetcher() = default;

std::optional<LoadedBatch> BatchPrefetcher::next() { return pipeline_->next(); }

}  // namespace bottleneck
