#include "bottleneck/stage_times.hpp"

#include <atomic>
#include <cstdint>

namespace bottleneck {

namespace {
std::array<std::atomic<int64_t>, stage_count> nanoseconds{};  // relaxed: only sums
}  // namespace

const char* stage_name(Stage stage) {
  static const char* const names[stage_count] = {"decode", "resize", "preprocess", "forward", "write"};
  return names[static_cast<int>(stage)];
}

StageTimes stage_times() {
  StageTimes times;
  for (int i = 0; i < stage_count; ++i) times.by_stage[i] = nanoseconds[i].load(std::memory_order_relaxed) * 1e-9;
  return times;
}

StageTimer::~StageTimer() {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  nanoseconds[static_cast<int>(stage_)].fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count(),
                                                  std::memory_order_relaxed);
}

}  // namespace bottleneck
