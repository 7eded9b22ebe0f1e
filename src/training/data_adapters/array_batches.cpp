#include "training/data_adapters/array_batches.hpp"

#include <algorithm>
#include <numeric>

namespace bottleneck {

ArrayBatches::ArrayBatches(Samples x, Samples y, int batch_size, bool shuffle, uint64_t seed)
    : x_(std::move(x)), y_(std::move(y)), batch_size_(batch_size), shuffle_(shuffle), rng_(seed), order_(x_.rows()) {
  std::iota(order_.begin(), order_.end(), 0);
}

void ArrayBatches::begin_epoch() {
  if (shuffle_) std::shuffle(order_.begin(), order_.end(), rng_);
  position_ = 0;
}

bool ArrayBatches::next(Tensor& x, Tensor& y) {
  if (position_ >= samples()) return false;
  const int64_t count = std::min<int64_t>(batch_size_, samples() - position_);
  if (shuffle_) {
    x_.gather(order_.data() + position_, count, x);
    y_.gather(order_.data() + position_, count, y);
  } else {
    x = x_.rows(position_, position_ + count);  // a view when the rows are in memory
    y = y_.rows(position_, position_ + count);
  }
  position_ += count;
  return true;
}

}  // namespace bottleneck
