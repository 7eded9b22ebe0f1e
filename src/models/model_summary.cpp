// model.summary() in Keras 2.2's layout: a three-column table for chains, with a
// "Connected to" column once a layer reads several inputs.
#include <string>
#include <vector>

#include "bottleneck/models/model.hpp"
#include "core/text_format.hpp"

namespace bottleneck {

namespace {

// Keras' print_row: each field cut to its column's end; a space always separates fields.
std::string table_row(const std::vector<std::string>& fields, const std::vector<size_t>& positions) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line = line.substr(0, line.size() - 1) + " ";
    line += fields[i];
    line = line.substr(0, positions[i]);
    line += std::string(positions[i] - line.size(), ' ');
  }
  return line + "\n";
}

std::string output_shape_text(const Shape& shape) {
  std::string text = "(None";
  for (int64_t d : shape) text += ", " + std::to_string(d);
  return text + ")";
}

}  // namespace

std::string Model::summary() const {
  bool chain = true;
  for (size_t i = 1; i < nodes_.size(); ++i)
    chain &= nodes_[i].inputs.size() == 1 && nodes_[i].inputs[0] == static_cast<int>(i) - 1;
  const size_t line_length = chain ? 65 : 98;
  std::vector<size_t> positions;
  for (double fraction : chain ? std::vector<double>{.45, .85, 1.} : std::vector<double>{.33, .55, .67, 1.})
    positions.push_back(static_cast<size_t>(static_cast<double>(line_length) * fraction));
  std::vector<std::string> header{"Layer (type)", "Output Shape", "Param #"};
  if (!chain) header.push_back("Connected to");

  std::string text = std::string(line_length, '_') + "\n" + table_row(header, positions) +
                     std::string(line_length, '=') + "\n";
  const std::vector<LayerPtr> listed = layers();
  int64_t trainable_count = 0, frozen_count = 0;
  for (size_t k = 0; k < listed.size(); ++k) {
    const Layer& layer = *listed[k];
    const Node* node = nullptr;
    for (const Node& candidate : nodes_)
      if (candidate.layer.get() == &layer) node = &candidate;
    const int64_t params = listed[k]->count_params();
    for (Parameter* p : listed[k]->parameters())
      (layer.trainable && p->trainable ? trainable_count : frozen_count) += p->value.size();
    std::vector<std::string> fields{layer.name() + " (" + layer.class_name() + ")", output_shape_text(node->shape),
                                    std::to_string(params)};
    if (chain) {
      text += table_row(fields, positions);
    } else {
      std::vector<std::string> connections;
      for (int input : node->inputs) connections.push_back(nodes_[input].layer->name() + "[0][0]");
      fields.push_back(connections.empty() ? "" : connections[0]);
      text += table_row(fields, positions);
      for (size_t c = 1; c < connections.size(); ++c) text += table_row({"", "", "", connections[c]}, positions);
    }
    text += std::string(line_length, k + 1 == listed.size() ? '=' : '_') + "\n";
  }
  text += "Total params: " + detail::with_thousands(trainable_count + frozen_count) + "\n";
  text += "Trainable params: " + detail::with_thousands(trainable_count) + "\n";
  text += "Non-trainable params: " + detail::with_thousands(frozen_count) + "\n";
  text += std::string(line_length, '_') + "\n";
  return text;
}

}  // namespace bottleneck
