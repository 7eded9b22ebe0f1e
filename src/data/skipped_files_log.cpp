#include "data/skipped_files_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bottleneck/error.hpp"
#include "bottleneck/escaped_names.hpp"

namespace bottleneck {

SkippedFilesLog::SkippedFilesLog(std::string path, uint64_t keep_bytes) : path_(std::move(path)), bytes_(keep_bytes) {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(keep_bytes)) != 0 || ::lseek(fd, 0, SEEK_END) < 0 ||
      !(stream_ = ::fdopen(fd, "wb"))) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error("cannot write " + path_ + ": " + std::strerror(err));
  }
}

SkippedFilesLog::~SkippedFilesLog() { std::fclose(stream_); }

std::vector<SkippedFile> SkippedFilesLog::read(const std::string& path, uint64_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text(bytes, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(bytes)))
    throw Error("cannot resume from " + path + ": it holds fewer than the " + std::to_string(bytes) + " bytes recorded");
  try {
    return files_of(text);
  } catch (const Error& e) {
    throw Error("cannot resume from " + path + ": " + e.what());
  }
}

std::string SkippedFilesLog::lines_of(const std::vector<SkippedFile>& files) {
  std::string lines;
  for (const SkippedFile& f : files)
    lines += nlohmann::json{{"index", f.index}, {"file", escape_name(f.filename)}, {"error", escape_name(f.error)}}.dump() +
             "\n";
  return lines;
}

std::vector<SkippedFile> SkippedFilesLog::files_of(const std::string& lines) {
  std::vector<SkippedFile> files;
  for (size_t start = 0; start < lines.size();) {
    const size_t end = lines.find('\n', start);
    if (end == std::string::npos) throw Error("its last line is cut short");
    try {
      const nlohmann::json f = nlohmann::json::parse(lines.substr(start, end - start));
      files.push_back({f.at("index").get<int64_t>(), unescape_name(f.at("file").get<std::string>()),
                       unescape_name(f.at("error").get<std::string>())});
    } catch (const nlohmann::json::exception& e) {
      throw Error(e.what());
    }
    start = end + 1;
  }
  return files;
}

void SkippedFilesLog::append(const std::vector<SkippedFile>& files) {
  if (files.empty()) return;
  const std::string lines = lines_of(files);
  if (std::fwrite(lines.data(), 1, lines.size(), stream_) != lines.size() || std::fflush(stream_) != 0 ||
      ::fdatasync(::fileno(stream_)) != 0)
    throw Error("cannot write " + path_ + ": " + std::strerror(errno));
  bytes_ += lines.size();
}

}  // namespace bottleneck
