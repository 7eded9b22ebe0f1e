#include "bottleneck/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace bottleneck {

namespace {
using Clock = std::chrono::steady_clock;

std::string format_seconds(double s) {
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  else std::snprintf(buf, sizeof buf, "%ds", int(s));
  return buf;
}
}  // namespace

Progress::Progress(std::string label, int64_t total, std::string unit, bool quiet)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO)),
      start_(Clock::now()),
      last_draw_(start_) {}

double Progress::rate() const {
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  return seconds > 0 ? (done_ - done_before_) / seconds : 0.0;
}

void Progress::resume_from(int64_t done) {
  done_before_ = done;
  done_ = done;
}

void Progress::update(int64_t done) {
  done_ = done;
  if (quiet_) return;
  auto now = Clock::now();
  // A terminal redraws ten times a second; a log gets a line every ten seconds.
  auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000);
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (quiet_) return;
  draw(true);
}

void Progress::note(const std::string& message) {
  if (quiet_) return;
  std::fprintf(stderr, terminal_ ? "\r\033[K%s\n" : "%s\n", message.c_str());
  if (terminal_) draw(false);
}

void Progress::draw(bool final_line) {
  double r = rate();
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  char stats[128];
  if (final_line)
    std::snprintf(stats, sizeof stats, "%.2f %s/s, %s", r, unit_.c_str(), format_seconds(elapsed).c_str());
  else
    std::snprintf(stats, sizeof stats, "%.2f %s/s, ETA %s", r, unit_.c_str(),
                  r > 0 ? format_seconds((total_ - done_) / r).c_str() : "?");
  if (terminal_) {
    const int width = 30;
    int filled = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
    std::string bar(filled, '=');
    if (filled < width) bar += '>' + std::string(width - filled - 1, '.');
    std::fprintf(stderr, "\r\033[K%s %lld/%lld [%s] %s%s", label_.c_str(), (long long)done_, (long long)total_,
                 bar.c_str(), stats, final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s %lld/%lld %s\n", label_.c_str(), (long long)done_, (long long)total_, stats);
  }
  std::fflush(stderr);
}

}  // namespace bottleneck
