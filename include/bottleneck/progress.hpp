#pragma once
// Progress of a long job on stderr: a live bar with rate and ETA on a terminal, plain
// lines every few seconds otherwise, nothing when quiet.
#include <chrono>
#include <cstdint>
#include <string>

namespace bottleneck {

class Progress {
public:
  Progress(std::string label, int64_t total, std::string unit, bool quiet);
  void update(int64_t done);
  void resume_from(int64_t done);  // units done by an earlier run: counted, but not in the rate
  void finish();  // the final line, with the overall rate
  // A message on its own line (e.g. a skipped file), not mixed into the bar.
  void note(const std::string& message);
  double rate() const;  // units per second so far

private:
  void draw(bool final_line);

  std::string label_;
  int64_t total_;
  std::string unit_;
  bool quiet_;
  bool terminal_;
  int64_t done_ = 0;
  int64_t done_before_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace bottleneck
