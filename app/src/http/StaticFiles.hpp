// The pages' files: built into the binary (WebAssets.cpp, generated from app/web/ at build
// time), or read from a folder given in the configuration (for working on the pages).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reemploi::app::http {

struct StaticFile {
    std::string_view contentType;
    std::string_view body;  // built-in: points into the binary
    std::string owned;      // from a folder
    std::string etag;
};

// The file for a URL path ("/" is "/index.html"). Paths with "..", backslashes or NULs are never
// resolved; from a folder, only regular files under it are served.
std::optional<StaticFile> findStaticFile(std::string_view urlPath, const std::string &webRoot);
std::string_view contentTypeFor(std::string_view path);

}  // namespace reemploi::app::http
