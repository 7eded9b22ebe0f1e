// The networks the library builds by name: one line each, the record defined in the
// network's own file.
#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace detail {
const Application& vgg16_application();
const Application& squeezenet_application();
const Application& vgg19_application();
const Application& resnet50_application();
const Application& resnet50v2_application();
const Application& densenet121_application();
const Application& mobilenetv2_application();
const Application& mobilenet_application();
const Application& efficientnetb0_application();
const Application& xception_application();
const Application& inception_v3_application();
}  // namespace detail

const std::vector<const Application*>& applications() {
  static const std::vector<const Application*> all{
      &detail::vgg16_application(),
      &detail::squeezenet_application(),
      &detail::vgg19_application(),
      &detail::resnet50_application(),
      &detail::resnet50v2_application(),
      &detail::densenet121_application(),
      &detail::mobilenetv2_application(),
      &detail::mobilenet_application(),
      &detail::efficientnetb0_application(),
      &detail::xception_application(),
      &detail::inception_v3_application(),
  };
  return all;
}

const Application& get_application(const std::string& name) {
  for (const Application* application : applications())
    if (application->name == name) return *application;
  throw Error("unknown model '" + name + "' (choose " + application_names() + ")");
}

std::string application_names() {
  std::string names;
  for (const Application* application : applications()) names += (names.empty() ? "" : ", ") + application->name;
  return names;
}

}  // namespace bottleneck
