// bottleneck: the Keras transfer-learning workflow from a shell. Subcommands register
// themselves (command.hpp); this file only dispatches and turns errors into one line.
#include <malloc.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <exception>
#include <string>

#include "bottleneck/error.hpp"
#include "bottleneck/interrupt.hpp"
#include "cli/command.hpp"
#include "cli/library_versions.hpp"
#include "core/temporary_files.hpp"

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

namespace {
// Activations and decoded batches are large and are freed and allocated again every batch.
// By default glibc maps big blocks fresh (every batch pays page faults again), moves its
// mmap threshold as it goes, and spreads blocks over per-thread arenas, so peak memory
// creeps up with the number of batches. One arena that keeps what is freed for the next
// batch is measurably faster and holds memory flat (bench/ and test_cli_extract_memory).
void tune_malloc_for_batches() {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum; larger blocks are still mapped
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
}
}  // namespace

int main(int argc, char** argv) {
  tune_malloc_for_batches();
  bottleneck::install_interrupt_handlers();
  CLI::App app{"bottleneck: transfer learning from pretrained CNNs (Keras' workflow, native C++)", "bottleneck"};
  app.require_subcommand(1);
  app.set_version_flag("--version", bottleneck::cli::library_versions,
                       "Print the versions of bottleneck and its libraries and exit");
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
  } catch (const bottleneck::Interrupted& e) {
    bottleneck::hold_temporaries_until_exit();  // a second signal now would only add a second line
    std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
    return 128 + e.signal();  // the shell's status for a process ended by that signal
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
    return 1;
  }
  return 0;
}
