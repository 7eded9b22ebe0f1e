#include "layers/layer_naming.hpp"

#include <map>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

namespace {
std::map<std::string, int>& name_counters() {
  static std::map<std::string, int> counters;
  return counters;
}
}  // namespace

std::string detail::unique_layer_name(const std::string& snake_case_class, bool zero_based) {
  int count = name_counters()[snake_case_class]++;
  if (zero_based) return count == 0 ? snake_case_class : snake_case_class + "_" + std::to_string(count);
  return snake_case_class + "_" + std::to_string(count + 1);
}

std::string detail::layer_name_or_default(std::string name, const std::string& snake_case_class) {
  return name.empty() ? detail::unique_layer_name(snake_case_class) : name;
}

void clear_session() { name_counters().clear(); }

}  // namespace bottleneck
