#pragma once
// Where a run's time goes: seconds per stage of the image pipeline, summed over the threads
// that ran it since the process started. Decoding threads run beside the network, so the
// stages overlap in wall-clock time; their sum against the wall time shows which side waits.
//
//   { StageTimer timer(Stage::forward); y = model.predict(x); }
//   StageTimes t = stage_times();  // t.seconds(Stage::forward)
#include <array>
#include <chrono>

namespace bottleneck {

enum class Stage { decode, resize, preprocess, forward, write };
inline constexpr int stage_count = 5;
const char* stage_name(Stage stage);  // "decode", "resize", ...

struct StageTimes {
  std::array<double, stage_count> by_stage{};
  double seconds(Stage stage) const { return by_stage[static_cast<int>(stage)]; }
};
StageTimes stage_times();

// Adds the time from its construction to its destruction to `stage`.
class StageTimer {
public:
  explicit StageTimer(Stage stage) : stage_(stage), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer();
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

private:
  Stage stage_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bottleneck
