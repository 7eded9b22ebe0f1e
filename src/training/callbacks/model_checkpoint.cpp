// keras.callbacks.ModelCheckpoint and its file name pattern.
#include "bottleneck/training/callbacks/model_checkpoint.hpp"

#include <cmath>
#include <limits>

#include "bottleneck/error.hpp"
#include "bottleneck/training/trainer.hpp"
#include "core/text_format.hpp"
#include "training/callbacks/monitor.hpp"
#include "training/training_log.hpp"

namespace bottleneck {

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)), options_(std::move(options)) {
  maximise_ = detail::maximises(options_.mode, options_.monitor);
  best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (++epochs_since_last_save_ < options_.period) return;
  epochs_since_last_save_ = 0;
  const std::string path = format_checkpoint_path(filepath_, epoch + 1, logs);
  const std::string epoch_text = detail::printf_string("%05.0f", epoch + 1);
  if (options_.save_best_only) {
    if (!logs.contains(options_.monitor))
      throw Error("ModelCheckpoint monitors '" + options_.monitor + "', which fit() does not report");
    const double current = logs.at(options_.monitor);
    const bool improved = maximise_ ? current > best_ : current < best_;
    if (!improved) {
      if (options_.verbose > 0)
        detail::print_line("\nEpoch " + epoch_text + ": " + options_.monitor + " did not improve from " +
                       detail::printf_string("%0.5f", best_));
      return;
    }
    if (options_.verbose > 0)
      detail::print_line("\nEpoch " + epoch_text + ": " + options_.monitor + " improved from " +
                     detail::printf_string("%0.5f", best_) + " to " + detail::printf_string("%0.5f", current) +
                     ", saving model to " + path);
    best_ = current;
  } else if (options_.verbose > 0) {
    detail::print_line("\nEpoch " + epoch_text + ": saving model to " + path);
  }
  if (options_.save_weights_only)
    model_->save_weights(path);
  else
    model_->save(path);
}

std::string format_checkpoint_path(const std::string& pattern, int epoch, const Logs& logs) {
  std::string result;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      result += c;  // "{{" and "}}" are literal braces
      ++i;
      continue;
    }
    if (c != '{') {
      result += c;
      continue;
    }
    const size_t close = pattern.find('}', i);
    if (close == std::string::npos) throw Error("checkpoint path '" + pattern + "' has an unclosed '{'");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    const size_t colon = field.find(':');
    const std::string key = field.substr(0, colon);
    const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    const bool is_epoch = key == "epoch";
    if (!is_epoch && !logs.contains(key))
      throw Error("checkpoint path '" + pattern + "' names '" + key + "', which is not an epoch figure");
    const double value = is_epoch ? epoch : logs.at(key);
    if (spec.empty()) {
      result += is_epoch ? std::to_string(epoch) : detail::python_repr(value);
    } else {
      const char type = spec.back();
      if (spec.substr(0, spec.size() - 1).find_first_not_of("0123456789.+- ") != std::string::npos)
        throw Error("checkpoint path '" + pattern + "': format '" + spec + "' is not supported");
      if (type == 'd' && is_epoch)
        result += detail::printf_string(std::string("%").append(spec, 0, spec.size() - 1).append(".0f").c_str(), value);
      else if (type == 'f' || type == 'e' || type == 'g')
        result += detail::printf_string(("%" + spec).c_str(), value);
      else
        throw Error("checkpoint path '" + pattern + "': format '" + spec + "' is not supported for '" + key + "'");
    }
    i = close;
  }
  return result;
}

}  // namespace bottleneck
