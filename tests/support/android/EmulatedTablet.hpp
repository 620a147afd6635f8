// The device side of ADB, as an Android tablet speaks it, for tests: the handshake (AUTH token,
// signature checks against the keys the tablet trusts, the prompt for a new key), shell commands
// answered from a profile of real outputs (tests/fixtures/android/<profile>/), flow control on
// its streams (one WRTE in flight until the host's OKAY), and state: accounts, a reset done.
//
// One TabletState is the tablet (it outlives connections: a reset clears its trusted keys and
// accounts); one TabletSession is one connection to it, fed the host's messages one at a time and
// answering with the messages to send. The TCP tool (tests/tools/EmulatedTabletMain.cpp) and the
// emulated USB device (EmulatedAdbDevice.hpp) both drive a session.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/android/AdbProtocol.hpp>

namespace reemploi::testing::android {

using diagnostics::android::Message;

struct TabletProfile {
    std::string name;
    std::string directory;
    std::map<std::string, std::string> outputs;  // command → what it prints (profile.tsv)
    std::map<std::string, std::string> props;    // from the profile's getprop output
    int googleAccounts = 0;  // the accounts its `dumpsys account` fixture lists
    int otherAccounts = 0;
    bool resetAllowed = false;   // whether its build lets the shell start a factory reset
    std::string resetDenied;     // what `am broadcast … FACTORY_RESET` prints when it does not

    // Loads tests/fixtures/android/<name> (or a directory path).
    static Result<TabletProfile> load(const std::string &nameOrDirectory);
    std::string prop(const std::string &key) const;
};

struct TabletOptions {
    bool denyNewKeys = false;                  // nobody taps "Allow" on the prompt
    std::optional<int> googleAccounts;         // instead of the profile's
    std::optional<bool> resetAllowed;          // instead of the profile's
    std::string vanishOn;                      // a command during whose output the tablet vanishes
    std::uint32_t maxPayload = diagnostics::android::kMaxPayload;
    std::uint32_t version = diagnostics::android::kVersion;  // 0x01000000: an old adbd checking checksums
    bool corruptChecksums = false;                           // every payload's checksum off by one
};

class TabletState {
public:
    TabletState(TabletProfile profile, TabletOptions options);

    const TabletProfile &profile() const { return _profile; }
    const TabletOptions &options() const { return _options; }

    bool trusts(const std::string &encodedKey) const;
    std::vector<std::string> trustedKeys() const;
    void trust(const std::string &encodedKey);
    int googleAccounts() const;
    void setGoogleAccounts(int n);
    bool resetDone() const;
    int resets() const;
    void factoryReset();  // wipes accounts and trusted keys, as a real reset does
    bool inRecovery() const;
    void rebootToRecovery();
    std::vector<std::string> commands() const;  // every shell command run, in order

    // What `command` prints now, or nullopt for a reset request (handled by the session).
    std::string run(const std::string &command);

private:
    std::string accountsOutput() const;

    TabletProfile _profile;
    TabletOptions _options;
    mutable std::mutex _lock;
    std::set<std::string> _trusted;
    int _google = 0;
    int _resets = 0;
    bool _recovery = false;
    std::vector<std::string> _commands;
};

class TabletSession {
public:
    explicit TabletSession(TabletState &state);

    struct Reply {
        std::vector<Message> send;
        bool close = false;   // after sending: the tablet reboots (or drops the connection)
        bool vanish = false;  // right now, mid-stream: the cable is pulled
    };
    Reply onMessage(const Message &message);

    bool online() const { return _online; }

private:
    struct Stream {
        std::uint32_t local = 0;   // the host's id
        std::vector<std::string> chunks;
        std::size_t next = 0;
        bool closeAfter = false;   // reboot once this stream is done
    };
    Reply handshake(const Message &m);
    Message newToken();
    Reply open(const Message &m);
    void sendNext(std::uint32_t remote, Reply &reply);

    TabletState &_state;
    bool _online = false;
    std::vector<std::uint8_t> _token;
    bool _prompted = false;
    std::uint32_t _maxPayload = diagnostics::android::kMaxPayloadV1;
    std::uint32_t _hostVersion = diagnostics::android::kVersionMin;
    std::uint32_t _nextRemote = 0x100;
    std::map<std::uint32_t, Stream> _streams;  // by our (remote) id
};

// The CNXN banner a tablet with this profile sends.
std::string deviceBanner(const TabletProfile &profile);

}  // namespace reemploi::testing::android
