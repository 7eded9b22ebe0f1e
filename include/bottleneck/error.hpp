#pragma once
// The one exception type the library throws: its message is the one-line error the
// command-line tool prints after "error: ".
#include <stdexcept>
#include <string>

namespace bottleneck {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

}  // namespace bottleneck
