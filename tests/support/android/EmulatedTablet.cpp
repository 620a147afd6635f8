// The emulated tablet's ADB device side: profile loading, state, and one connection's messages.
#include "support/android/EmulatedTablet.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <reemploi/diagnostics/android/AdbKey.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

namespace fs = std::filesystem;
namespace adb = reemploi::diagnostics::android;

namespace reemploi::testing::android {

namespace {

Result<std::string> readFile(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return makeError(Errc::NotFound, p.string() + ": cannot read");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> split(const std::string &line, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto at = line.find(sep, start);
        out.push_back(line.substr(start, at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return out;
}

}  // namespace

Result<TabletProfile> TabletProfile::load(const std::string &nameOrDirectory) {
    fs::path dir = nameOrDirectory;
    if (!fs::is_directory(dir)) dir = fs::path(REEMPLOI_ANDROID_FIXTURES) / nameOrDirectory;
    if (!fs::is_directory(dir)) return makeError(Errc::NotFound, "no tablet profile '" + nameOrDirectory + "'");
    auto table = readFile(dir / "profile.tsv");
    if (!table) return table.error();
    TabletProfile p;
    p.name = dir.filename().string();
    p.directory = dir.string();
    std::istringstream in(*table);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, '\t');
        auto where = p.name + "/profile.tsv line " + std::to_string(number);
        if (f[0] == "run" && f.size() == 3) {
            auto text = readFile(dir / f[2]);
            if (!text) return text.error().withContext(where);
            p.outputs[f[1]] = *text;
        } else if (f[0] == "reset" && f.size() >= 2) {
            p.resetAllowed = f[1] == "allowed";
            if (f.size() == 3) {
                auto text = readFile(dir / f[2]);
                if (!text) return text.error().withContext(where);
                p.resetDenied = *text;
            }
        } else {
            return makeError(Errc::InvalidInput, where + ": expected 'run<TAB>COMMAND<TAB>FILE' or 'reset<TAB>allowed|denied[<TAB>FILE]'");
        }
    }
    p.props = adb::parseGetprop(p.outputs["getprop"]);
    if (p.props.empty()) return makeError(Errc::InvalidInput, p.name + ": the profile has no getprop output");
    if (auto a = adb::parseAccounts(p.outputs["dumpsys account"])) {
        p.googleAccounts = a->google;
        p.otherAccounts = a->other;
    }
    return p;
}

std::string TabletProfile::prop(const std::string &key) const {
    auto it = props.find(key);
    return it == props.end() ? std::string() : it->second;
}

std::string deviceBanner(const TabletProfile &p) {
    // As adbd builds it (adb.cpp get_connection_string); no shell_v2: hosts use the plain shell.
    return "device::ro.product.name=" + p.prop("ro.product.name") + ";ro.product.model=" + p.prop("ro.product.model") +
           ";ro.product.device=" + p.prop("ro.product.device") + ";features=cmd";
}

TabletState::TabletState(TabletProfile profile, TabletOptions options)
    : _profile(std::move(profile)), _options(std::move(options)) {
    _google = _options.googleAccounts.value_or(_profile.googleAccounts);
}

bool TabletState::trusts(const std::string &k) const {
    std::lock_guard g(_lock);
    return _trusted.count(k) > 0;
}
std::vector<std::string> TabletState::trustedKeys() const {
    std::lock_guard g(_lock);
    return {_trusted.begin(), _trusted.end()};
}
void TabletState::trust(const std::string &k) {
    std::lock_guard g(_lock);
    _trusted.insert(k);
}
int TabletState::googleAccounts() const {
    std::lock_guard g(_lock);
    return _google;
}
void TabletState::setGoogleAccounts(int n) {
    std::lock_guard g(_lock);
    _google = n;
}
bool TabletState::resetDone() const {
    std::lock_guard g(_lock);
    return _resets > 0;
}
int TabletState::resets() const {
    std::lock_guard g(_lock);
    return _resets;
}
void TabletState::factoryReset() {
    std::lock_guard g(_lock);
    ++_resets;
    _google = 0;
    _trusted.clear();
}
bool TabletState::inRecovery() const {
    std::lock_guard g(_lock);
    return _recovery;
}
void TabletState::rebootToRecovery() {
    std::lock_guard g(_lock);
    _recovery = true;
}
std::vector<std::string> TabletState::commands() const {
    std::lock_guard g(_lock);
    return _commands;
}

std::string TabletState::accountsOutput() const {
    const std::string &fixture = _profile.outputs.at("dumpsys account");
    if (_google == _profile.googleAccounts) return fixture;
    // The fixture's layout with the Google accounts now present (placeholder names).
    std::istringstream in(fixture);
    std::ostringstream out;
    std::string line;
    bool done = false;
    while (std::getline(in, line)) {
        if (line.find("type=com.google}") != std::string::npos) continue;
        auto at = line.find("Accounts: ");
        if (!done && at != std::string::npos) {
            out << line.substr(0, at) << "Accounts: " << (_google + _profile.otherAccounts) << '\n';
            for (int i = 0; i < _google; ++i)
                out << std::string(at + 2, ' ') << "Account {name=bench" << i + 1 << "@example.invalid, type=com.google}\n";
            done = true;
            continue;
        }
        out << line << '\n';
    }
    return out.str();
}

std::string TabletState::run(const std::string &command) {
    {
        std::lock_guard g(_lock);
        _commands.push_back(command);
    }
    if (command.starts_with("getprop ")) {
        auto key = command.substr(8);
        return _profile.prop(key) + "\n";
    }
    if (command == "dumpsys account" && _profile.outputs.count(command)) {
        std::lock_guard g(_lock);
        return accountsOutput();
    }
    if (auto it = _profile.outputs.find(command); it != _profile.outputs.end()) return it->second;
    auto word = command.substr(0, command.find(' '));
    if (word == "cat") return "cat: " + command.substr(4) + ": No such file or directory\n";
    // dumpsys itself exists on every release: a service it lacks is its own message.
    if (word == "dumpsys" && _profile.outputs.count("dumpsys battery")) return "Can't find service: " + command.substr(8) + "\n";
    return "/system/bin/sh: " + word + ": not found\n";
}

TabletSession::TabletSession(TabletState &state) : _state(state) {}

Message TabletSession::newToken() {
    static thread_local std::mt19937 random{std::random_device{}()};
    _token.resize(adb::kTokenSize);
    for (auto &b : _token) b = static_cast<std::uint8_t>(random());
    return Message{adb::kAuth, adb::kAuthToken, 0, _token};
}

TabletSession::Reply TabletSession::handshake(const Message &m) {
    Reply r;
    auto online = [&]() {
        _online = true;
        r.send.push_back(Message::make(adb::kCnxn, std::min(_hostVersion, _state.options().version), _maxPayload,
                                       deviceBanner(_state.profile())));
    };
    if (m.command == adb::kCnxn) {
        _maxPayload = std::min(std::max<std::uint32_t>(m.arg1, 256), _state.options().maxPayload);
        _hostVersion = m.arg0;
        r.send.push_back(newToken());
    } else if (m.command == adb::kAuth && m.arg0 == adb::kAuthSignature && !_token.empty()) {
        bool good = false;
        for (const auto &k : _state.trustedKeys()) {
            auto key = adb::AdbPublicKey::parse(k);
            if (key && key->verify(_token, m.data)) good = true;
        }
        if (good) online();
        else r.send.push_back(newToken());
    } else if (m.command == adb::kAuth && m.arg0 == adb::kAuthRsaPublicKey) {
        auto key = adb::AdbPublicKey::parse(m.text());
        // The prompt shows on the screen; a key that does not parse never gets one.
        if (key && !_state.options().denyNewKeys && !_prompted) {
            _state.trust(key->encoded());
            online();
        }
        _prompted = true;
    }
    return r;
}

void TabletSession::sendNext(std::uint32_t remote, Reply &reply) {
    auto &s = _streams.at(remote);
    if (s.next < s.chunks.size()) {
        reply.send.push_back(Message::make(adb::kWrte, remote, s.local, s.chunks[s.next++]));
        return;
    }
    reply.send.push_back(Message::make(adb::kClse, remote, s.local));
    if (s.closeAfter) reply.close = true;
    _streams.erase(remote);
}

TabletSession::Reply TabletSession::open(const Message &m) {
    Reply r;
    std::string name = m.text();
    while (!name.empty() && name.back() == '\0') name.pop_back();
    Stream s;
    s.local = m.arg0;
    std::string output;
    if (name.starts_with("shell:")) {
        std::string command = name.substr(6);
        bool reset = command.starts_with("am broadcast") &&
                     (command.find("FACTORY_RESET") != std::string::npos || command.find("MASTER_CLEAR") != std::string::npos);
        if (reset) {
            _state.run(command);
            if (_state.options().resetAllowed.value_or(_state.profile().resetAllowed)) {
                output = "Broadcasting: Intent { act=android.intent.action.FACTORY_RESET flg=0x400000 pkg=android }\n"
                         "Broadcast completed: result=0\n";
                _state.factoryReset();
                s.closeAfter = true;  // the tablet reboots into the reset
            } else {
                output = _state.profile().resetDenied;
            }
        } else {
            output = _state.run(command);
        }
        if (!_state.options().vanishOn.empty() && command == _state.options().vanishOn) {
            // Half the output, then the cable is pulled.
            r.send.push_back(Message::make(adb::kOkay, _nextRemote, s.local));
            r.send.push_back(Message::make(adb::kWrte, _nextRemote, s.local, output.substr(0, output.size() / 2)));
            r.vanish = true;
            return r;
        }
    } else if (name == "reboot:recovery") {
        _state.run("reboot recovery");
        _state.rebootToRecovery();
        s.closeAfter = true;
    } else {
        r.send.push_back(Message::make(adb::kClse, 0, m.arg0));  // no such service
        return r;
    }
    for (std::size_t at = 0; at < output.size(); at += _maxPayload) s.chunks.push_back(output.substr(at, _maxPayload));
    std::uint32_t remote = _nextRemote++;
    _streams[remote] = std::move(s);
    r.send.push_back(Message::make(adb::kOkay, remote, m.arg0));
    sendNext(remote, r);
    return r;
}

TabletSession::Reply TabletSession::onMessage(const Message &m) {
    if (!_online || m.command == adb::kCnxn || m.command == adb::kAuth) return handshake(m);
    Reply r;
    switch (m.command) {
    case adb::kOpen:
        return open(m);
    case adb::kOkay:
        // The host took our last WRTE on stream arg1: the next may go.
        if (_streams.count(m.arg1)) sendNext(m.arg1, r);
        break;
    case adb::kClse:
        if (_streams.erase(m.arg1)) r.send.push_back(Message::make(adb::kClse, m.arg1, m.arg0));
        break;
    case adb::kWrte:
        // Nothing we run reads its input: acknowledge and drop.
        r.send.push_back(Message::make(adb::kOkay, m.arg1, m.arg0));
        break;
    default:
        break;
    }
    return r;
}

}  // namespace reemploi::testing::android
