#pragma once
// The files a resumable extraction skipped, appended batch by batch to a file of JSON lines
// beside its progress record. The record counts the bytes that belong to it, so a kill
// between the two loses nothing; rewriting the whole list every batch instead made 20,000
// unreadable files take quadratic time.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bottleneck/data.hpp"

namespace bottleneck {

class SkippedFilesLog {
public:
  // Opens (creating) `path` for appending after its first `keep_bytes` bytes.
  SkippedFilesLog(std::string path, uint64_t keep_bytes);
  ~SkippedFilesLog();
  SkippedFilesLog(const SkippedFilesLog&) = delete;
  SkippedFilesLog& operator=(const SkippedFilesLog&) = delete;

  // The entries in the first `bytes` bytes of `path`; throws Error when they do not parse.
  static std::vector<SkippedFile> read(const std::string& path, uint64_t bytes);

  // The entries as the log's JSON lines, and back (the processes of a job send them so).
  static std::string lines_of(const std::vector<SkippedFile>& files);
  static std::vector<SkippedFile> files_of(const std::string& lines);  // throws Error saying what is wrong

  void append(const std::vector<SkippedFile>& files);  // written and synced before it returns
  uint64_t bytes() const { return bytes_; }

private:
  std::string path_;
  std::FILE* stream_ = nullptr;
  uint64_t bytes_ = 0;
};

}  // namespace bottleneck
