// bottleneck: the Keras transfer-learning workflow from a shell. Subcommands register
// themselves (command.hpp); this file only dispatches and turns errors into one line.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "bottleneck/error.hpp"
#include "cli/command.hpp"

namespace bottleneck::cli {

namespace {
std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(const char* name, CommandSetup setup) {
  registry().push_back({name, std::move(setup)});
}

const std::vector<RegisteredCommand>& registered_commands() { return registry(); }

}  // namespace bottleneck::cli

namespace {
// Messages from the library may span lines (e.g. nested causes); the contract is one line.
std::string one_line(std::string message) {
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bottleneck: transfer learning from pretrained CNNs (Keras' workflow, native C++)", "bottleneck"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("bottleneck ") + BOTTLENECK_VERSION);
  for (const auto& command : bottleneck::cli::registered_commands()) command.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
    return 1;
  }
  return 0;
}
