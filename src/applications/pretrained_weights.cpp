#include "applications/pretrained_weights.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/file_hash.hpp"
#include "bottleneck/interrupt.hpp"

namespace bottleneck::detail {

namespace fs = std::filesystem;

namespace {
fs::path home_dir() {
  const char* home = std::getenv("HOME");
  return home ? fs::path(home) : fs::path(".");
}

bool hash_matches(const PublishedWeights& w, const std::string& path) {
  if (!w.sha256.empty()) return file_sha256(path) == w.sha256;
  return file_md5(path) == w.md5;
}

size_t write_to_file(char* data, size_t size, size_t count, void* file) {
  return std::fwrite(data, size, count, static_cast<AtomicFile*>(file)->stream());
}

// Ctrl-C during a download (hundreds of megabytes for VGG16) stops it rather than waiting.
int stop_if_interrupted(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return interrupt_requested(); }

// Downloads `url` to `path`; returns an empty string on success, else why it failed.
std::string download(const std::string& url, const std::string& path, const PublishedWeights& w) {
  AtomicFile file(path);
  CURL* curl = curl_easy_init();
  if (!curl) return "cannot start libcurl";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_to_file);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &file);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &stop_if_interrupted);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  CURLcode result = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  throw_if_interrupted();
  if (result != CURLE_OK) return curl_easy_strerror(result);
  std::fflush(file.stream());
  if (!hash_matches(w, file.temporary_path())) return "the downloaded file does not match the published hash";
  file.commit();
  return "";
}
}  // namespace

std::string weights_cache_dir() {
  const char* custom = std::getenv("BOTTLENECK_HOME");
  fs::path base = custom && *custom ? fs::path(custom) : home_dir() / ".cache" / "bottleneck";
  return (base / "models").string();
}

std::string pretrained_weights_path(const PublishedWeights& w) {
  fs::path ours = fs::path(weights_cache_dir()) / w.file_name;
  fs::path keras = home_dir() / ".keras" / "models" / w.file_name;
  if (fs::exists(keras)) return keras.string();  // Keras' own cache, trusted as Keras trusts it
  if (fs::exists(ours)) {
    if (hash_matches(w, ours.string())) return ours.string();
    fs::remove(ours);  // a damaged copy: fetch it again
  }
  std::string hint = "put " + w.file_name + " (" + std::to_string(w.bytes) + " bytes, " +
                     (w.sha256.empty() ? "md5 " + w.md5 : "sha256 " + w.sha256) + ") in " + ours.parent_path().string() +
                     "/ or " + keras.parent_path().string() + "/, or pass a weights file path";
  const char* offline = std::getenv("BOTTLENECK_OFFLINE");
  if (offline && std::string(offline) == "1")
    throw Error(w.description + " are not cached and BOTTLENECK_OFFLINE=1 forbids downloading them: " + hint);
  std::error_code ec;
  fs::create_directories(ours.parent_path(), ec);
  if (ec) throw Error("cannot create " + ours.parent_path().string() + ": " + ec.message() + "; " + hint);
  std::string why;
  for (const std::string& url : w.urls) {
    why = download(url, ours.string(), w);
    if (why.empty()) return ours.string();
  }
  throw Error(w.description + " are not cached and could not be downloaded (" + why + "): " + hint);
}

}  // namespace bottleneck::detail
