#pragma once
// --threads and --workers: more threads than a few per core only cost memory and time
// (--threads 10000 made a one-image extract take 8.7 s and 470 MB), so they are capped.
#include <CLI/CLI.hpp>

namespace bottleneck::cli {

// Refuses a thread count below 1 while parsing ("0" would silently mean the default).
const CLI::Validator& positive_thread_count();

// `requested` (0: the default, kept as 0), at most max_threads_per_core per core; says so
// on stderr when it caps. Values below 1 are refused by positive_thread_count().
int capped_thread_count(int requested, const char* option);

inline constexpr int max_threads_per_core = 4;

}  // namespace bottleneck::cli
