// Sending a probe snapshot to the workshop's server from the bench stick, as a script signs in to
// the web API: POST /api/login with a trainee's name and password (the answer sets the session
// cookie and gives the CSRF token), then POST /api/snapshots with the cookie and X-CSRF-Token.
#pragma once

#include <optional>
#include <string>

#include <reemploi/common/Result.hpp>

namespace reemploi::app::snapshots {

struct UploadOptions {
    std::string serverUrl;  // "https://atelier.example" or "http://192.168.1.10:8080"
    std::string user, password;
    std::optional<std::string> unitTag;
    int timeoutSeconds = 30;
};

// The server's answer (the import's JSON), or the server's error message; Io when it cannot be
// reached. An HTTP error keeps its meaning: 401/403 → Forbidden, 404/409/422 → the import's own
// code (NotFound, Conflict, InvalidInput), so that the command's exit code is the same as `probe import`'s.
Result<std::string> uploadSnapshot(const UploadOptions &options, const std::string &snapshotJson);

}  // namespace reemploi::app::snapshots
