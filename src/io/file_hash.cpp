#include "bottleneck/file_hash.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {
class Digest {
public:
  explicit Digest(const EVP_MD* algorithm) : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), algorithm, nullptr) != 1) throw Error("cannot start a digest");
  }
  void update(const void* data, size_t bytes) { EVP_DigestUpdate(context_.get(), data, bytes); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &length);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out += digits[digest[i] >> 4];
      out += digits[digest[i] & 15];
    }
    return out;
  }

private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

std::string file_digest(const std::string& path, const EVP_MD* algorithm) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw Error("cannot read " + path + ": " + std::strerror(errno));
  Digest digest(algorithm);
  std::vector<unsigned char> buffer(1 << 20);
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) digest.update(buffer.data(), n);
  if (std::ferror(file.get())) throw Error("cannot read " + path + ": " + std::strerror(errno));
  return digest.hex();
}
}  // namespace

std::string file_md5(const std::string& path) { return file_digest(path, EVP_md5()); }
std::string file_sha256(const std::string& path) { return file_digest(path, EVP_sha256()); }

std::string text_sha256(const std::string& text) {
  Digest digest(EVP_sha256());
  digest.update(text.data(), text.size());
  return digest.hex();
}

std::string file_signature(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "unreadable";
  return std::to_string(info.st_size) + ":" +
         std::to_string(static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec);
}

}  // namespace bottleneck
