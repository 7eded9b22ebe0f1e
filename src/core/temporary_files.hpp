#pragma once
// The temporary files and folders this process has made and not yet renamed into place or
// removed. A second Ctrl-C ends the process at once, without unwinding: it removes these
// first, so that even an immediate stop leaves nothing behind.
#include <mutex>
#include <string>

namespace bottleneck {

// Record `path` before creating it; forget it once it is renamed into place or removed.
void remember_temporary(const std::string& path);
void forget_temporary(const std::string& path);

// Held while renaming temporaries into place, so that an immediate stop sees each output
// either still temporary (and removes it) or published, never half of a set of renames.
std::unique_lock<std::recursive_mutex> hold_temporaries();

// Takes the lock for good: the process is about to exit on its own (after an orderly stop,
// say), and a late signal must not start an immediate stop that prints a second error line.
void hold_temporaries_until_exit();

// Removes every remembered path (folders with their contents) and keeps the lock, so that
// nothing is renamed into place after it; for the immediate stop, just before _exit.
void remove_temporaries_for_exit();

}  // namespace bottleneck
