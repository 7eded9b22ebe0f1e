// History as an SVG picture: one panel per figure (loss, accuracy), train and validation
// curves over the epochs, drawn by hand so the product needs no plotting library.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/training/callbacks/history.hpp"

namespace bottleneck {

namespace {

constexpr double panel_width = 420, panel_height = 300;
constexpr double margin_left = 60, margin_right = 20, margin_top = 40, margin_bottom = 45;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

struct Curve {
  std::string label;
  const std::vector<double>* values;
  const char* colour;
  const char* dash;
};

std::string panel(double x0, const std::string& title, const std::vector<Curve>& curves, size_t epochs) {
  double low = INFINITY, high = -INFINITY;
  for (const Curve& c : curves)
    for (double v : *c.values)
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
  if (!std::isfinite(low)) low = 0, high = 1;
  if (high - low < 1e-12) low -= 0.5, high += 0.5;
  const double pad = (high - low) * 0.05;
  low -= pad;
  high += pad;
  const double plot_w = panel_width - margin_left - margin_right;
  const double plot_h = panel_height - margin_top - margin_bottom;
  auto px = [&](size_t epoch) {
    return x0 + margin_left + (epochs > 1 ? plot_w * static_cast<double>(epoch) / static_cast<double>(epochs - 1) : plot_w / 2);
  };
  auto py = [&](double v) { return margin_top + plot_h * (high - v) / (high - low); };

  std::string svg = "<text x=\"" + number(x0 + panel_width / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
                    escaped(title) + "</text>\n";
  svg += "<rect x=\"" + number(x0 + margin_left) + "\" y=\"" + number(margin_top) + "\" width=\"" + number(plot_w) +
         "\" height=\"" + number(plot_h) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = low + (high - low) * tick / 4.0;
    svg += "<text x=\"" + number(x0 + margin_left - 6) + "\" y=\"" + number(py(v) + 4) +
           "\" text-anchor=\"end\" font-size=\"11\">" + number(v) + "</text>\n";
  }
  const size_t step = std::max<size_t>(1, (epochs + 9) / 10);
  for (size_t e = 0; e < epochs; e += step)
    svg += "<text x=\"" + number(px(e)) + "\" y=\"" + number(margin_top + plot_h + 16) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + std::to_string(e + 1) + "</text>\n";
  svg += "<text x=\"" + number(x0 + margin_left + plot_w / 2) + "\" y=\"" + number(panel_height - 8) +
         "\" text-anchor=\"middle\" font-size=\"12\">epoch</text>\n";
  double legend_y = margin_top + 14;
  for (const Curve& c : curves) {
    std::string points;
    for (size_t e = 0; e < c.values->size(); ++e) points += number(px(e)) + "," + number(py((*c.values)[e])) + " ";
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(c.colour) + "\" stroke-width=\"2\" stroke-dasharray=\"" +
           c.dash + "\" points=\"" + points + "\"/>\n";
    const double lx = x0 + panel_width - margin_right - 110;
    svg += "<line x1=\"" + number(lx) + "\" y1=\"" + number(legend_y - 4) + "\" x2=\"" + number(lx + 20) + "\" y2=\"" +
           number(legend_y - 4) + "\" stroke=\"" + c.colour + "\" stroke-width=\"2\" stroke-dasharray=\"" + c.dash +
           "\"/>\n";
    svg += "<text x=\"" + number(lx + 26) + "\" y=\"" + number(legend_y) + "\" font-size=\"11\">" + escaped(c.label) +
           "</text>\n";
    legend_y += 16;
  }
  return svg;
}

}  // namespace

std::string History::to_svg() const {
  std::vector<std::pair<std::string, std::vector<Curve>>> panels;
  for (const std::string& key : keys_) {
    if (key.rfind("val_", 0) == 0) continue;
    std::vector<Curve> curves{{"train " + key, &values_.at(key), "#1f77b4", "none"}};
    if (values_.count("val_" + key)) curves.push_back({"validation " + key, &values_.at("val_" + key), "#d62728", "6,4"});
    panels.emplace_back(key, curves);
  }
  const double width = panel_width * static_cast<double>(std::max<size_t>(panels.size(), 1));
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) + "\" height=\"" +
                    number(panel_height) + "\" viewBox=\"0 0 " + number(width) + " " + number(panel_height) +
                    "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  for (size_t i = 0; i < panels.size(); ++i)
    svg += panel(panel_width * static_cast<double>(i), panels[i].first, panels[i].second, epochs_.size());
  return svg + "</svg>\n";
}

void History::save_svg(const std::string& path) const { write_text_file(path, to_svg()); }

}  // namespace bottleneck
