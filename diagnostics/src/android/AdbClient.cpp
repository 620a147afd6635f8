// The host side of ADB: handshake and streams, one stream at a time (all the bench needs).
#include <reemploi/diagnostics/android/AdbClient.hpp>

#include <reemploi/common/Text.hpp>

namespace reemploi::diagnostics::android {

DeviceBanner parseBanner(std::string_view text) {
    DeviceBanner b;
    while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
    auto colon = text.find(':');
    // The device's words (they are listed on the bench page): valid UTF-8.
    b.state = reemploi::text::validUtf8(text.substr(0, colon));
    if (colon == std::string_view::npos) return b;
    // "device::" then "key=value;" pairs (the middle field, once the serial, is empty now).
    auto rest = text.substr(colon + 1);
    if (auto second = rest.find(':'); second != std::string_view::npos) rest = rest.substr(second + 1);
    while (!rest.empty()) {
        auto semi = rest.find(';');
        auto pair = rest.substr(0, semi);
        if (auto eq = pair.find('='); eq != std::string_view::npos) {
            std::string key = reemploi::text::validUtf8(pair.substr(0, eq)), value = reemploi::text::validUtf8(pair.substr(eq + 1));
            if (key == "features") {
                std::size_t start = 0;
                while (start <= value.size()) {
                    auto comma = value.find(',', start);
                    auto f = value.substr(start, comma - start);
                    if (!f.empty()) b.features.push_back(f);
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            } else {
                b.properties[key] = value;
            }
        }
        if (semi == std::string_view::npos) break;
        rest = rest.substr(semi + 1);
    }
    return b;
}

Result<std::unique_ptr<AdbClient>> AdbClient::connect(std::unique_ptr<AdbTransport> transport, const AdbKey &key,
                                                      const AdbConnectOptions &options) {
    std::unique_ptr<AdbClient> client(new AdbClient(std::move(transport), options));
    REEMPLOI_TRY(client->handshake(key));
    return client;
}

Status AdbClient::handshake(const AdbKey &key) {
    // Until the device answers, payloads are limited to what the oldest devices accept.
    REEMPLOI_TRY(_transport->send(Message::make(kCnxn, kVersion, kMaxPayload, std::string("host::features=cmd") + '\0')));
    bool signedToken = false, sentKey = false;
    auto deadline = std::chrono::steady_clock::now() + _options.timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) left = std::chrono::milliseconds(1);
        auto m = _transport->receive(left);
        if (!m) {
            if (m.error().code == Errc::Timeout && sentKey) return makeError(Errc::Refused, std::string(kUnauthorized));
            return m.error().withContext("connecting over ADB");
        }
        switch (m->command) {
        case kCnxn: {
            if (m->arg0 < kVersionMin)
                return makeError(Errc::Unsupported, _transport->describe() + ": ADB version " + std::to_string(m->arg0) +
                                                        " is older than any we speak");
            // A device below 0x01000001 checksums every payload, its CNXN included.
            if (m->arg0 < kVersionSkipChecksum && checksum(m->data) != m->dataCheck)
                return makeError(Errc::Device, _transport->describe() +
                                                   ": ADB message CNXN: data checksum (bytes 16-19) does not match the data");
            _version = std::min(kVersion, m->arg0);
            _transport->setCheckData(_version < kVersionSkipChecksum);
            _transport->setMaxPayload(std::min(kMaxPayload, std::max<std::uint32_t>(m->arg1, 256)));
            _banner = parseBanner(m->text());
            return {};
        }
        case kAuth:
            if (m->arg0 != kAuthToken)
                return makeError(Errc::Device, _transport->describe() + ": AUTH type " + std::to_string(m->arg0) +
                                                   " from the device (expected a token)");
            if (!signedToken) {
                auto sig = key.sign(m->data);
                if (!sig) return sig.error();
                Message reply{kAuth, kAuthSignature, 0, std::move(*sig)};
                REEMPLOI_TRY(_transport->send(reply));
                signedToken = true;
            } else if (!sentKey) {
                // The device does not know our key: offer it, and give the person at the device
                // a bounded time to accept the prompt.
                REEMPLOI_TRY(_transport->send(Message::make(kAuth, kAuthRsaPublicKey, 0,
                                                            key.publicKey(_options.keyComment) + '\0')));
                sentKey = true;
                deadline = std::chrono::steady_clock::now() + _options.promptWait;
            } else {
                return makeError(Errc::Refused, std::string(kUnauthorized));
            }
            break;
        case kStls:
            return makeError(Errc::Unsupported, _transport->describe() +
                                                    ": the device asks for TLS (wireless debugging pairing), which "
                                                    "reemploi does not speak: use USB, or enable `adb tcpip` mode");
        default:
            // Nothing else is meaningful before the connection is up: ignore it, as adb does.
            break;
        }
    }
}

Result<std::string> AdbClient::shell(std::string_view command, std::size_t maxOutput) {
    return service("shell:" + std::string(command), maxOutput);
}

Result<std::string> AdbClient::service(std::string_view name, std::size_t maxOutput) {
    const std::uint32_t local = _nextLocalId++;
    std::string what = "'" + std::string(name) + "'";
    if (name.size() + 1 > _transport->maxPayload())
        return makeError(Errc::InvalidInput, what + " is longer than the device accepts in one message");
    REEMPLOI_TRY(_transport->send(Message::make(kOpen, local, 0, std::string(name) + '\0')));
    std::uint32_t remote = 0;
    std::string out;
    for (;;) {
        auto m = _transport->receive(_options.timeout);
        if (!m) return m.error().withContext(what);
        if (m->arg1 != local) continue;  // another stream's leftovers
        switch (m->command) {
        case kOkay:
            remote = m->arg0;
            break;
        case kWrte:
            if (remote == 0) remote = m->arg0;
            if (out.size() + m->data.size() > maxOutput)
                return makeError(Errc::Device, what + ": the device's output exceeds " + std::to_string(maxOutput) + " bytes");
            out.append(m->data.begin(), m->data.end());
            // Flow control: the device sends the next WRTE only once we acknowledge this one.
            if (auto sent = _transport->send(Message::make(kOkay, local, m->arg0)); !sent)
                return sent.error().withContext(what);
            break;
        case kClse:
            if (m->arg0 == 0 && remote == 0)
                return makeError(Errc::Refused, what + ": the device refused the service");
            // Our half of the close; a device already gone (it rebooted) is no failure here.
            (void)_transport->send(Message::make(kClse, local, m->arg0));
            return out;
        default:
            break;
        }
    }
}

bool AdbClient::waitForDisconnect(std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        auto m = _transport->receive(left);
        if (!m) return m.error().code != Errc::Timeout;
    }
}

}  // namespace reemploi::diagnostics::android
