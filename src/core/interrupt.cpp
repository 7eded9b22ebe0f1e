#include "bottleneck/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/temporary_files.hpp"

namespace bottleneck {

namespace {
std::atomic<int> requested_signal{0};
std::atomic<bool> quiet_stop{false};

std::string signal_name(int signal) {
  const char* name = sigabbrev_np(signal);
  return name ? std::string("SIG") + name : "a signal";
}

// GNU timeout signals the process and then its whole group: one request, delivered twice.
// The same signal sent by the same process within a second is taken as that one request.
bool same_request(const siginfo_t& first, std::chrono::steady_clock::time_point first_at, const siginfo_t& next) {
  return next.si_signo == first.si_signo && next.si_code == SI_USER && first.si_code == SI_USER &&
         next.si_pid == first.si_pid && std::chrono::steady_clock::now() - first_at < std::chrono::seconds(1);
}

// Asked twice: the user does not want to wait for the current batch. Temporary files go
// first; outputs already renamed into place stay (hold_temporaries orders the two).
[[noreturn]] void stop_at_once(int signal) {
  remove_temporaries_for_exit();
  const std::string message = "error: interrupted twice by " + signal_name(signal) + "; stopped at once\n";
  if (!quiet_stop.load()) {
    [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
  }
  ::_exit(128 + signal);
}

// The only thread that receives SIGINT and SIGTERM: a handler run on whatever thread the
// kernel picks (one inside oneDNN or malloc, say) is not safe, a thread that waits is.
void wait_for_signals(sigset_t signals) {
  siginfo_t first{};
  std::chrono::steady_clock::time_point first_at;
  for (;;) {
    siginfo_t info{};
    if (::sigwaitinfo(&signals, &info) < 0) continue;
    if (first.si_signo == 0) {
      first = info;
      first_at = std::chrono::steady_clock::now();
      requested_signal.store(info.si_signo);
    } else if (!same_request(first, first_at, info)) {
      stop_at_once(info.si_signo);
    }
  }
}
}  // namespace

void install_interrupt_handlers() {
  // Blocked here, before any other thread exists, so that every thread created later
  // (OpenMP's, the prefetchers') inherits the mask and only the waiting thread sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread(wait_for_signals, signals).detach();
}

void request_interrupt(int signal) { requested_signal.store(signal); }

bool interrupt_requested() { return requested_signal.load() != 0; }

void stop_at_once_quietly() { quiet_stop.store(true); }

void throw_if_interrupted() {
  // One request, one exception (as KeyboardInterrupt): a library caller may go on afterwards.
  if (const int signal = requested_signal.exchange(0)) throw Interrupted(signal, "interrupted by " + signal_name(signal));
}

}  // namespace bottleneck
