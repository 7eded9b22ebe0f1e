#include "bottleneck/distributed/run_together.hpp"

#include <exception>
#include <new>
#include <string>

#include "bottleneck/error.hpp"
#include "bottleneck/interrupt.hpp"

namespace bottleneck::distributed {

namespace {

template <typename Failure>
class SharedFailure : public Failure, public JobFailure {
public:
  template <typename... Arguments>
  explicit SharedFailure(bool reported_here, Arguments&&... arguments)
      : Failure(std::forward<Arguments>(arguments)...), JobFailure(reported_here) {}
};

// A failure as text, to send to the other processes: "I<signal> " for an interruption,
// "E " for anything else, then the message.
std::string describe(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Interrupted& e) {
    return "I" + std::to_string(e.signal()) + " " + e.what();
  } catch (const std::bad_alloc&) {
    return "E out of memory";
  } catch (const std::exception& e) {
    return std::string("E ") + e.what();
  } catch (...) {
    return "E unknown error";
  }
}

[[noreturn]] void throw_described(const std::string& description, bool reported_here) {
  if (!reported_here) stop_at_once_quietly();  // the launcher may end this process with a signal now
  const size_t space = description.find(' ');
  const std::string message = description.substr(space + 1);
  if (description[0] == 'I') throw SharedFailure<Interrupted>(reported_here, std::stoi(description.substr(1, space - 1)), message);
  throw SharedFailure<Error>(reported_here, message);
}

}  // namespace

void run_together(Communicator& communicator, const std::function<void()>& step) {
  std::exception_ptr failure;
  try {
    step();
  } catch (...) {
    failure = std::current_exception();
  }
  if (communicator.size() == 1) {
    if (failure) std::rethrow_exception(failure);
    return;
  }
  const int first = communicator.all_min(failure ? communicator.rank() : communicator.size());
  if (first == communicator.size()) return;
  const std::string description =
      communicator.broadcast(communicator.rank() == first ? describe(failure) : std::string(), first);
  throw_described(description, communicator.is_root());
}

void rethrow_with_message(const Interrupted& failure, const std::string& message) {
  if (const auto* shared = dynamic_cast<const JobFailure*>(&failure))
    throw SharedFailure<Interrupted>(shared->reported_here(), failure.signal(), message);
  throw Interrupted(failure.signal(), message);
}

}  // namespace bottleneck::distributed
