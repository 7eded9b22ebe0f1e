#pragma once
// Each subcommand lives in its own file and registers itself here, so adding one never
// touches main.cpp: `static const CommandRegistration registration{"info", setup_info};`
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace bottleneck::cli {

// Adds the subcommand to `app` and sets its callback (which runs the command).
using CommandSetup = std::function<void(CLI::App& app)>;

struct CommandRegistration {
  CommandRegistration(const char* name, CommandSetup setup);
};

struct RegisteredCommand {
  const char* name;
  CommandSetup setup;
};
const std::vector<RegisteredCommand>& registered_commands();

}  // namespace bottleneck::cli
