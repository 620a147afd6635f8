// The configuration file of `reemploi serve`.
#include "http/ServerConfig.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include <reemploi/common/Text.hpp>
#include <reemploi/common/File.hpp>

namespace reemploi::app::http {

std::string ServerConfig::publicUrl() const {
    if (!baseUrl.empty()) return baseUrl.back() == '/' ? baseUrl.substr(0, baseUrl.size() - 1) : baseUrl;
    std::string host = bind == "0.0.0.0" || bind.empty() ? "127.0.0.1" : bind;
    return std::string(https() ? "https://" : "http://") + host + ":" + std::to_string(port);
}

Result<ServerConfig> loadServerConfig(const std::string &file, ServerConfig config) {
    auto content = file::readRegularFile(file, 1'000'000);
    if (!content) return content.error().withContext("configuration file");
    std::istringstream in(*content);
    auto integer = [](const std::string &v, long long min, long long max) -> std::optional<long long> {
        long long n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max) return std::nullopt;
        return n;
    };
    using Setter = std::function<bool(const std::string &)>;
    auto text = [](std::string &field) -> Setter { return [&field](const std::string &v) { field = v; return true; }; };
    const std::map<std::string, Setter> keys = {
        {"http.bind", text(config.bind)},
        {"http.port", [&](const std::string &v) { auto n = integer(v, 0, 65535); if (n) config.port = int(*n); return bool(n); }},
        {"http.max_threads", [&](const std::string &v) { auto n = integer(v, 4, 4096); if (n) config.maxThreads = int(*n); return bool(n); }},
        {"http.max_connections", [&](const std::string &v) { auto n = integer(v, 16, 65536); if (n) config.maxConnections = int(*n); return bool(n); }},
        {"http.keep_alive_seconds", [&](const std::string &v) { auto n = integer(v, 1, 3600); if (n) config.keepAlive = std::chrono::seconds(*n); return bool(n); }},
        {"http.cache_mb", [&](const std::string &v) { auto n = integer(v, 0, 4096); if (n) config.cacheBytes = std::size_t(*n) << 20; return bool(n); }},
        {"http.max_request_mb", [&](const std::string &v) { auto n = integer(v, 1, 4096); if (n) config.maxRequestBytes = std::size_t(*n) << 20; return bool(n); }},
        {"database", text(config.database)},
        {"base_url", text(config.baseUrl)},
        {"tls.certificate", text(config.tlsCertificate)},
        {"tls.key", text(config.tlsKey)},
        {"printer", text(config.printer)},
        {"web_root", text(config.webRoot)},
        {"session.idle_minutes", [&](const std::string &v) { auto n = integer(v, 1, 7 * 24 * 60); if (n) config.sessionIdle = std::chrono::minutes(*n); return bool(n); }},
        {"donor_link.days", [&](const std::string &v) { auto n = integer(v, 1, 3650); if (n) config.donorLinkLifetime = std::chrono::hours(24 * *n); return bool(n); }},
        {"workshop.name", text(config.workshop)},
        {"workshop.contact", text(config.workshopContact)},
        {"workshop.location", text(config.workshopLocation)},
        {"workshop.operator_position", text(config.operatorPosition)},
        {"workshop.destination", text(config.destination)},
        {"workshop.key", text(config.keyPath)},
        {"wipe.file_targets", [&](const std::string &v) {
             if (v == "yes" || v == "true" || v == "1") config.wipeFileTargets = true;
             else if (v == "no" || v == "false" || v == "0") config.wipeFileTargets = false;
             else return false;
             return true;
         }},
        {"usb.ids", text(config.usbIdsPath)},
        {"usb.devices_table", text(config.devicesTablePath)},
        {"report.config", text(config.reportConfig)},
        {"adb.key", text(config.adbKeyPath)},
        {"adb.prompt_seconds", [&](const std::string &v) { auto n = integer(v, 1, 600); if (n) config.adbPromptSeconds = int(*n); return bool(n); }},
        {"adb.reboot_seconds", [&](const std::string &v) { auto n = integer(v, 1, 600); if (n) config.adbRebootSeconds = int(*n); return bool(n); }},
        {"adb.tcp", [&](const std::string &v) {
             // HOST:PORT, comma-separated: network tablets the bench page lists.
             config.adbTcp.clear();
             if (reemploi::text::trimView(v).empty()) return true;
             std::size_t start = 0;
             while (start <= v.size()) {
                 auto comma = v.find(',', start);
                 auto one = reemploi::text::trim(std::string_view(v).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                 auto colon = one.rfind(':');
                 if (colon == std::string::npos || colon == 0 || !integer(one.substr(colon + 1), 1, 65535)) return false;
                 config.adbTcp.push_back(one);
                 if (comma == std::string::npos) break;
                 start = comma + 1;
             }
             return true;
         }},
    };
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        auto content = text::trimView(line);
        if (content.empty() || content[0] == '#') continue;
        auto eq = content.find('=');
        std::string where = file + " line " + std::to_string(number);
        if (eq == std::string_view::npos) return makeError(Errc::InvalidInput, where + ": expected key = value");
        std::string key = text::trim(content.substr(0, eq)), value = text::trim(content.substr(eq + 1));
        auto it = keys.find(key);
        if (it == keys.end()) {
            std::string known;
            for (const auto &[k, _] : keys) known += (known.empty() ? "" : ", ") + k;
            return makeError(Errc::InvalidInput, where + ": unknown key '" + key + "' (known: " + known + ")");
        }
        if (!it->second(value)) return makeError(Errc::InvalidInput, where + ": '" + value + "' is not a valid " + key);
    }
    return config;
}

}  // namespace reemploi::app::http
