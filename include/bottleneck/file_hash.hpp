#pragma once
// Hex digests (OpenSSL's EVP) of whole files, for checking downloaded weights against their
// published hash and for recording which weights produced a set of features; and of text,
// for recognising the run a partial output belongs to.
#include <string>

namespace bottleneck {

std::string file_md5(const std::string& path);
std::string file_sha256(const std::string& path);
std::string text_sha256(const std::string& text);
// "size:mtime-in-nanoseconds" ("unreadable" when stat fails): a file's content changes this
// without hashing it, for telling whether an input changed since a run began.
std::string file_signature(const std::string& path);

}  // namespace bottleneck
