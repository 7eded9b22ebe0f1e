#include "bottleneck/interrupt.hpp"

#include <signal.h>
#include <string.h>

#include <atomic>

namespace bottleneck {

namespace {
// Lock-free, so the handler may set it.
std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void on_signal(int signal) {
  if (requested_signal.exchange(signal) != 0) {
    // Asked twice: the user does not want to wait for the current batch.
    ::signal(signal, SIG_DFL);
    ::raise(signal);
  }
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM}) sigaction(signal, &action, nullptr);
}

void request_interrupt(int signal) { requested_signal.store(signal); }

bool interrupt_requested() { return requested_signal.load() != 0; }

void throw_if_interrupted() {
  // One request, one exception (as KeyboardInterrupt): a library caller may go on afterwards.
  if (const int signal = requested_signal.exchange(0)) {
    const char* name = sigabbrev_np(signal);
    throw Interrupted(signal, std::string("interrupted by ") + (name ? std::string("SIG") + name : "a signal"));
  }
}

}  // namespace bottleneck
