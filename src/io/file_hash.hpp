#pragma once
// Hex digests of whole files (OpenSSL's EVP), for checking downloaded weights against their
// published hash and for recording which weights produced a set of features.
#include <string>

namespace bottleneck {

std::string file_md5(const std::string& path);
std::string file_sha256(const std::string& path);

}  // namespace bottleneck
