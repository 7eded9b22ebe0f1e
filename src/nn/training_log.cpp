#include "nn/training_log.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace bottleneck::nn {

namespace {
// Keras redraws at most every 0.05 s.
constexpr double redraw_interval_s = 0.05;

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string printf_string(const char* format, double value) {
  if (std::isnan(value)) value = std::fabs(value);  // Python prints nan, never glibc's -nan
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}
}  // namespace

std::string format_figure(double value) {
  return printf_string(std::fabs(value) > 1e-3 ? "%.4f" : "%.4e", value);
}

ProgressBar::ProgressBar(int64_t target, int verbose)
    : target_(target),
      verbose_(verbose),
      live_(::isatty(STDOUT_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

std::string ProgressBar::bar(int64_t current) const {
  constexpr int width = 30;
  const int digits = target_ > 0 ? static_cast<int>(std::floor(std::log10(static_cast<double>(target_)))) + 1 : 1;
  char head[64];
  std::snprintf(head, sizeof head, "%*lld/%lld [", digits, static_cast<long long>(current),
                static_cast<long long>(target_));
  std::string text = head;
  const int done = target_ > 0 ? static_cast<int>(width * (static_cast<double>(current) / target_)) : width;
  if (done > 0) text += std::string(done - 1, '=') + (current < target_ ? '>' : '=');
  text += std::string(width - done, '.') + ']';
  return text;
}

void ProgressBar::update(int64_t current, const Figures& figures) {
  if (verbose_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = seconds_between(start_, now);
  const bool complete = current >= target_;
  std::string info = printf_string(" - %.0fs", elapsed);
  if (verbose_ == 2) {
    if (!complete) return;
    for (const auto& [key, value] : figures) info += " - " + key + ": " + format_figure(value);
    std::fputs((info + "\n").c_str(), stdout);
    std::fflush(stdout);
    return;
  }
  if (!complete && (!live_ || seconds_between(last_draw_, now) < redraw_interval_s)) return;
  last_draw_ = now;
  std::string line = bar(current);
  const double per_sample = current > 0 ? elapsed / static_cast<double>(current) : 0.0;
  if (!complete) {
    const double eta = per_sample * static_cast<double>(target_ - current);
    const long long s = static_cast<long long>(eta);
    char text[64];
    if (eta > 3600)
      std::snprintf(text, sizeof text, " - ETA: %lld:%02lld:%02lld", s / 3600, (s % 3600) / 60, s % 60);
    else if (eta > 60)
      std::snprintf(text, sizeof text, " - ETA: %lld:%02lld", s / 60, s % 60);
    else
      std::snprintf(text, sizeof text, " - ETA: %llds", s);
    info = text;
  } else if (per_sample >= 1) {
    info += printf_string(" %.0fs/step", per_sample);
  } else if (per_sample >= 1e-3) {
    info += printf_string(" %.0fms/step", per_sample * 1e3);
  } else {
    info += printf_string(" %.0fus/step", per_sample * 1e6);
  }
  for (const auto& [key, value] : figures) info += " - " + key + ": " + format_figure(value);
  line += info;
  const size_t width = line.size();
  if (live_) {
    if (width < drawn_width_) line += std::string(drawn_width_ - width, ' ');
    line = "\r" + line;
  }
  drawn_width_ = width;
  if (complete) line += "\n";
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

void print_line(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace bottleneck::nn
