#include "cli/head_spec.hpp"

#include <sstream>
#include <vector>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "core/checked_size.hpp"

namespace bottleneck::cli {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

double parse_number(const std::string& text, const std::string& item) {
  try {
    size_t used = 0;
    double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error("--head: '" + text + "' in '" + item + "' is not a number");
}

LayerPtr head_layer(const std::string& item) {
  const std::vector<std::string> fields = split(item, ':');
  const std::string& kind = fields.empty() ? item : fields[0];
  auto expect_fields = [&](size_t low, size_t high) {
    if (fields.size() < low || fields.size() > high)
      throw Error("--head: '" + item + "' is malformed (known: flatten, globalaveragepooling2d, globalmaxpooling2d, "
                  "dense:UNITS[:ACTIVATION], dropout:RATE, activation:NAME)");
  };
  if (kind == "flatten") {
    expect_fields(1, 1);
    return Flatten();
  }
  if (kind == "globalaveragepooling2d") {
    expect_fields(1, 1);
    return GlobalAveragePooling2D();
  }
  if (kind == "globalmaxpooling2d") {
    expect_fields(1, 1);
    return GlobalMaxPooling2D();
  }
  if (kind == "dense") {
    expect_fields(2, 3);
    const int64_t units = checked_dimension(parse_number(fields[1], item), "--head: the units of '" + item + "'");
    return Dense(units, fields.size() == 3 ? fields[2] : "linear");
  }
  if (kind == "dropout") {
    expect_fields(2, 2);
    return Dropout(parse_number(fields[1], item));
  }
  if (kind == "activation") {
    expect_fields(2, 2);
    return Activation(fields[1]);
  }
  expect_fields(0, 0);  // throws, listing what is known
  return nullptr;
}

}  // namespace

std::unique_ptr<Sequential> build_head(const std::string& spec, const Shape& feature_shape, uint64_t seed) {
  clear_session();
  auto model = std::make_unique<Sequential>("sequential", seed);
  model->add(Input(feature_shape));
  const std::vector<std::string> items = split(spec, ',');
  if (items.empty()) throw Error("--head is empty");
  for (const std::string& item : items) model->add(head_layer(item));
  return model;
}

}  // namespace bottleneck::cli
