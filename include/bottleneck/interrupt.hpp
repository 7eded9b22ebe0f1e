#pragma once
// Ctrl-C (SIGINT) and SIGTERM as a request to stop at the next safe point instead of at a
// random instruction: the long loops (fit, evaluate, bulk extraction) check between batches
// and throw Interrupted, so temporary files are removed, or kept to resume from, by the
// usual unwinding. Keras turns Ctrl-C into KeyboardInterrupt in the same places.
#include <stdexcept>
#include <string>

namespace bottleneck {

// Not an Error: code that turns a bad file into a skipped sample must not swallow it.
class Interrupted : public std::runtime_error {
public:
  Interrupted(int signal, const std::string& message) : std::runtime_error(message), signal_(signal) {}
  int signal() const { return signal_; }

private:
  int signal_;
};

// For programs: SIGINT and SIGTERM request an interrupt; a second one ends the process at once
// (exit status 128 + signal), removing its temporary files first. Call it first thing in
// main, before any thread starts: it blocks both signals, and a thread of its own waits for them.
void install_interrupt_handlers();
// Asks the running loops to stop, as a signal would (from another thread, a GUI, a test).
void request_interrupt(int signal);
// Whether one was requested (and not yet thrown), for code that must stop a library's loop.
bool interrupt_requested();
// Throws Interrupted if an interrupt was requested since the last throw.
void throw_if_interrupted();
// For a process whose failure another process of its job reports: from now on a second
// signal (the launcher ending the job, say) ends it without an error line of its own.
void stop_at_once_quietly();

}  // namespace bottleneck
