#pragma once
// One failure stops every process of a job at the same point: each process runs a step, then
// all learn whether any failed, and every process throws the first (lowest-rank) failure.
// Without it a process that failed alone would leave the others waiting in their next
// collective call.
#include <functional>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/interrupt.hpp"

namespace bottleneck::distributed {

// Runs `step` here; collective. When it threw on any process of a job of several, every
// process throws the failure of the lowest such rank, as an Interrupted or an Error that is
// also a JobFailure (below); in a job of one the failure goes on as it was thrown.
void run_together(Communicator& communicator, const std::function<void()>& step);

// Throws `failure` with `message` for its own, still a JobFailure when it was one.
[[noreturn]] void rethrow_with_message(const Interrupted& failure, const std::string& message);

// A failure that every process of the job threw together: the root reports it (one "error:"
// line for the job, not one per process), and every process ends with its exit status.
// Any other failure under a launcher was met by one process alone.
class JobFailure {
public:
  explicit JobFailure(bool reported_here) : reported_here_(reported_here) {}
  virtual ~JobFailure() = default;
  bool reported_here() const { return reported_here_; }

private:
  bool reported_here_;
};

}  // namespace bottleneck::distributed
