// The web server's configuration: defaults, then a configuration file (key = value, '#'
// comments; Poco's properties format), then the command line. Read once by `reemploi serve`.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::app::http {

struct ServerConfig {
    std::string bind = "127.0.0.1";
    int port = 8080;
    std::string database = "var/reemploi.db";
    std::string baseUrl;  // in QR codes and donor links; http://BIND:PORT when empty
    std::string tlsCertificate, tlsKey;  // PEM files: HTTPS when both are set
    std::string printer;                 // tcp://HOST:9100 or cups:QUEUE, for label printing
    std::string webRoot;                 // serve pages from this folder instead of the built-in copy
    std::chrono::seconds sessionIdle{2 * 60 * 60};
    std::chrono::seconds donorLinkLifetime{90 * 24 * 60 * 60};
    std::size_t maxRequestBytes = 110u << 20;  // an upload of a donor's list (100 MB) and its envelope
    std::size_t maxJsonBytes = 1u << 20;       // any other request body
    int maxThreads = 64;                       // requests served at once (an event stream holds a thread of its own)
    int maxConnections = 1024;                 // open connections (kept alive between requests)
    std::chrono::seconds keepAlive{15};        // a kept-alive connection without a request is closed after
    std::size_t cacheBytes = 16u << 20;        // read-only answers kept while the database is unchanged (0: none)
    bool allowRoot = false;
    // Workshop details printed on certificates (see the wipe command's options).
    std::string workshop, workshopContact, workshopLocation, operatorPosition, destination;
    std::string keyPath;  // the certificate signing key; next to an SQLite database when empty (required for a server URL)
    bool wipeFileTargets = false;  // regular files as wipe targets (tests, disk images); drives only otherwise
    std::string usbIdsPath, devicesTablePath;  // the USB tables; the installed ones when empty
    std::string reportConfig;  // donors' reports (deploy/report.conf); the default one when empty
    // Tablets and phones: the bench's ADB key (keys/adb-rsa2048.pem next to the database when
    // empty, the command line's default), how long a person has to accept the debugging prompt
    // and a device to restart after a reset, and the tablets reached over the network.
    std::string adbKeyPath;
    int adbPromptSeconds = 30;
    int adbRebootSeconds = 30;
    std::vector<std::string> adbTcp;  // HOST:PORT each

    bool https() const { return !tlsCertificate.empty() && !tlsKey.empty(); }
    std::string publicUrl() const;
};

// Reads FILE over `config`. Unknown keys are refused (a mistyped key would silently do nothing),
// naming the line.
Result<ServerConfig> loadServerConfig(const std::string &file, ServerConfig config);

}  // namespace reemploi::app::http
