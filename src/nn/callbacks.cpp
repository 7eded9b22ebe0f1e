// keras.callbacks: Logs, History (and its CSV), EarlyStopping, ModelCheckpoint.
#include "bottleneck/callbacks.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "bottleneck/error.hpp"
#include "bottleneck/model.hpp"
#include "core/atomic_file.hpp"
#include "nn/training_log.hpp"

namespace bottleneck {

namespace {

// Python's repr of a float: the shortest text that reads back to the same value.
std::string python_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  std::string result(text, end);
  if (result.find_first_of(".en") == std::string::npos) result += ".0";
  return result;
}

bool maximises(MonitorMode mode, const std::string& monitor) {
  if (mode == MonitorMode::max) return true;
  if (mode == MonitorMode::min) return false;
  return monitor.find("acc") != std::string::npos || monitor.rfind("fmeasure", 0) == 0;
}

std::string printf_string(const char* format, double value) {
  if (std::isnan(value)) value = std::fabs(value);  // Python prints nan, never glibc's -nan
  char text[128];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

void Logs::set(const std::string& key, double value) {
  for (auto& item : items_)
    if (item.first == key) {
      item.second = value;
      return;
    }
  items_.emplace_back(key, value);
}

bool Logs::contains(const std::string& key) const {
  for (const auto& item : items_)
    if (item.first == key) return true;
  return false;
}

double Logs::at(const std::string& key) const {
  for (const auto& item : items_)
    if (item.first == key) return item.second;
  throw Error("no figure named '" + key + "' in the epoch's logs");
}

void History::record(int epoch, const Logs& logs) {
  epochs_.push_back(epoch);
  for (const auto& [key, value] : logs.items()) {
    if (!values_.count(key)) keys_.push_back(key);
    values_[key].push_back(value);
  }
}

const std::vector<double>& History::operator[](const std::string& key) const {
  auto found = values_.find(key);
  if (found == values_.end()) throw Error("history has no figure named '" + key + "'");
  return found->second;
}

std::string History::to_csv() const {
  std::string text = "epoch";
  for (const auto& [key, values] : values_) text += "," + key;  // std::map: sorted, as CSVLogger
  text += "\n";
  for (size_t row = 0; row < epochs_.size(); ++row) {
    text += std::to_string(epochs_[row]);
    for (const auto& [key, values] : values_) {
      text += ',';
      if (row < values.size()) text += python_repr(values[row]);
    }
    text += "\n";
  }
  return text;
}

void History::save_csv(const std::string& path) const { write_text_file(path, to_csv()); }

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  maximise_ = maximises(options_.mode, options_.monitor);
}

void EarlyStopping::on_train_begin() {
  wait_ = 0;
  stopped_epoch_ = 0;
  best_ = options_.baseline ? *options_.baseline
                            : (maximise_ ? -std::numeric_limits<double>::infinity()
                                         : std::numeric_limits<double>::infinity());
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  if (!logs.contains(options_.monitor))
    throw Error("EarlyStopping monitors '" + options_.monitor + "', which fit() does not report");
  const double current = logs.at(options_.monitor);
  const double delta = std::fabs(options_.min_delta);
  const bool improved = maximise_ ? current - delta > best_ : current + delta < best_;
  if (improved) {
    best_ = current;
    wait_ = 0;
    if (options_.restore_best_weights) best_weights_ = model_->get_weights();
    return;
  }
  if (++wait_ >= options_.patience) {
    stopped_epoch_ = epoch;
    model_->stop_training = true;
    if (options_.restore_best_weights && !best_weights_.empty()) {
      if (options_.verbose > 0) nn::print_line("Restoring model weights from the end of the best epoch");
      model_->set_weights(best_weights_);
    }
  }
}

void EarlyStopping::on_train_end() {
  if (stopped_epoch_ > 0 && options_.verbose > 0)
    nn::print_line(printf_string("Epoch %05.0f: early stopping", stopped_epoch_ + 1));
}

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)), options_(std::move(options)) {
  maximise_ = maximises(options_.mode, options_.monitor);
  best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (++epochs_since_last_save_ < options_.period) return;
  epochs_since_last_save_ = 0;
  const std::string path = format_checkpoint_path(filepath_, epoch + 1, logs);
  const std::string epoch_text = printf_string("%05.0f", epoch + 1);
  if (options_.save_best_only) {
    if (!logs.contains(options_.monitor))
      throw Error("ModelCheckpoint monitors '" + options_.monitor + "', which fit() does not report");
    const double current = logs.at(options_.monitor);
    const bool improved = maximise_ ? current > best_ : current < best_;
    if (!improved) {
      if (options_.verbose > 0)
        nn::print_line("\nEpoch " + epoch_text + ": " + options_.monitor + " did not improve from " +
                       printf_string("%0.5f", best_));
      return;
    }
    if (options_.verbose > 0)
      nn::print_line("\nEpoch " + epoch_text + ": " + options_.monitor + " improved from " +
                     printf_string("%0.5f", best_) + " to " + printf_string("%0.5f", current) +
                     ", saving model to " + path);
    best_ = current;
  } else if (options_.verbose > 0) {
    nn::print_line("\nEpoch " + epoch_text + ": saving model to " + path);
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
      result += is_epoch ? std::to_string(epoch) : python_repr(value);
    } else {
      const char type = spec.back();
      if (spec.substr(0, spec.size() - 1).find_first_not_of("0123456789.+- ") != std::string::npos)
        throw Error("checkpoint path '" + pattern + "': format '" + spec + "' is not supported");
      if (type == 'd' && is_epoch)
        result += printf_string(std::string("%").append(spec, 0, spec.size() - 1).append(".0f").c_str(), value);
      else if (type == 'f' || type == 'e' || type == 'g')
        result += printf_string(("%" + spec).c_str(), value);
      else
        throw Error("checkpoint path '" + pattern + "': format '" + spec + "' is not supported for '" + key + "'");
    }
    i = close;
  }
  return result;
}

}  // namespace bottleneck
