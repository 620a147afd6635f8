// Looking up a page's file, built in or from a folder.
#include "http/StaticFiles.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <reemploi/inventory/AuditLog.hpp>

namespace reemploi::app::http {

// Generated from app/web/ (cmake/EmbedFiles.cmake).
struct EmbeddedFile {
    const char *path;
    const unsigned char *data;
    std::size_t size;
};
extern const EmbeddedFile kWebAssets[];
extern const std::size_t kWebAssetCount;

std::string_view contentTypeFor(std::string_view path) {
    auto ends = [&](std::string_view ext) { return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext; };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".png")) return "image/png";
    if (ends(".ico")) return "image/x-icon";
    if (ends(".json")) return "application/json; charset=utf-8";
    if (ends(".wav")) return "audio/wav";
    if (ends(".txt")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

std::optional<StaticFile> findStaticFile(std::string_view urlPath, const std::string &webRoot) {
    std::string path(urlPath == "/" ? "/index.html" : urlPath);
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
        path.find('\0') != std::string::npos || path.empty() || path[0] != '/')
        return std::nullopt;
    if (!webRoot.empty()) {
        std::error_code ec;
        auto root = std::filesystem::canonical(webRoot, ec);
        if (ec) return std::nullopt;
        auto file = std::filesystem::weakly_canonical(root / path.substr(1), ec);
        if (ec || !std::filesystem::is_regular_file(file, ec)) return std::nullopt;
        auto rel = file.lexically_relative(root).string();
        if (rel.empty() || rel.rfind("..", 0) == 0) return std::nullopt;
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        StaticFile f;
        f.owned = ss.str();
        f.contentType = contentTypeFor(path);
        f.etag = "\"" + inventory::sha256Hex(f.owned).substr(0, 20) + "\"";
        return f;
    }
    // The built-in files never change while the binary runs: their tags are computed once.
    static const std::vector<std::string> etags = [] {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < kWebAssetCount; ++i)
            out.push_back("\"" +
                          inventory::sha256Hex(std::string_view(reinterpret_cast<const char *>(kWebAssets[i].data),
                                                                kWebAssets[i].size))
                              .substr(0, 20) +
                          "\"");
        return out;
    }();
    for (std::size_t i = 0; i < kWebAssetCount; ++i) {
        if (path.compare(1, std::string::npos, kWebAssets[i].path) != 0) continue;
        StaticFile f;
        f.body = std::string_view(reinterpret_cast<const char *>(kWebAssets[i].data), kWebAssets[i].size);
        f.contentType = contentTypeFor(path);
        f.etag = etags[i];
        return f;
    }
    return std::nullopt;
}

}  // namespace reemploi::app::http
