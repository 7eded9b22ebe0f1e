#pragma once
// Keras 2.2's console output for fit / evaluate / predict: the only place in nn that prints.
// On a terminal the bar is redrawn in place; otherwise only each epoch's final line appears.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bottleneck::detail {

using Figures = std::vector<std::pair<std::string, double>>;

// keras.utils.Progbar: "864/864 [==============================] - 1s 1ms/step - loss: 0.9053".
// verbose 0 prints nothing, 1 the bar, 2 only " - 1s - loss: ..." when complete.
class ProgressBar {
public:
  ProgressBar(int64_t target, int verbose);
  // `current` samples done; `figures` are shown as given (already averaged).
  void update(int64_t current, const Figures& figures = {});

private:
  std::string bar(int64_t current) const;

  int64_t target_;
  int verbose_;
  bool live_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  size_t drawn_width_ = 0;
};

// A whole line to stdout ("Epoch 1/10", "Train on 864 samples, validate on 700 samples").
void print_line(const std::string& line);

// Keras' number format in logs: %.4f, or %.4e when |v| < 1e-3.
std::string format_figure(double value);

}  // namespace bottleneck::detail
