// One answer for a certificate, shared by the bench's route and a donor's link.
#pragma once

#include <cstdint>
#include <optional>

#include "http/Router.hpp"

namespace reemploi::app::http {

// The certificate {id} of the call: its signed JSON (signature in X-Signature-Ed25519) or, with
// `pdf`, its PDF; with `donationId`, only a certificate of that donation's units.
Response certificateResponse(Call &call, std::optional<std::int64_t> donationId, bool pdf);

}  // namespace reemploi::app::http
