// bottleneck: the Keras transfer-learning workflow from a shell. Subcommands register
// themselves (command.hpp); this file only dispatches and turns errors into one line.
#include <malloc.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <exception>
#include <string>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/distributed/run_together.hpp"
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

// Under an MPI launcher a failure that every process met together is reported once, by the
// root; one that this process met alone is reported here and ends the whole job, whose other
// processes may be waiting for this one.
int report_failure(const std::exception& failure, const std::string& message, int exit_code) {
  namespace distributed = bottleneck::distributed;
  const auto* shared = dynamic_cast<const distributed::JobFailure*>(&failure);
  if (!shared || shared->reported_here()) std::fprintf(stderr, "error: %s\n", one_line(message).c_str());
  if (!shared && distributed::world().size() > 1) distributed::world().abort(exit_code);
  return exit_code;
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
    // The same command line, so the same message, in every process of a job: the root's.
    if (bottleneck::distributed::world().is_root()) std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
    return 2;
  } catch (const bottleneck::Interrupted& e) {
    bottleneck::hold_temporaries_until_exit();  // a second signal now would only add a second line
    return report_failure(e, e.what(), 128 + e.signal());  // the shell's status for a process ended by that signal
  } catch (const std::bad_alloc& e) {
    return report_failure(e, "out of memory", 1);
  } catch (const std::exception& e) {
    return report_failure(e, e.what(), 1);
  }
  return 0;
}
