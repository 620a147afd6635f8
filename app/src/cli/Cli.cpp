// Command-line parsing and dispatch.
#include "cli/Cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <pwd.h>
#include <unistd.h>

#include <reemploi/inventory/Migrations.hpp>

namespace reemploi::app {

namespace {

const std::set<std::string> kGlobalFlags = {"json", "help", "version", "quiet"};
const std::set<std::string> kGlobalOptions = {"db", "actor"};

std::string defaultActor() {
    if (const char *a = std::getenv("REEMPLOI_ACTOR"); a && *a) return a;
    if (const char *u = std::getenv("USER"); u && *u) return u;
    if (const passwd *pw = getpwuid(getuid()); pw && pw->pw_name) return pw->pw_name;
    return "unknown";
}

std::vector<std::string> splitWords(const std::string &words) {
    std::istringstream in(words);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

void printHelp(const CommandRegistry &registry, std::ostream &out) {
    out << "reemploi " << REEMPLOI_VERSION
        << " — refurbish donated devices for schoolchildren\n\n"
           "usage: reemploi [--db PATH] [--json] [--actor NAME] COMMAND [ARGS]\n\n"
           "global options:\n"
           "  --db PATH|URL  database: an SQLite file, or postgresql://user@host:port/dbname\n"
           "                 (default: $REEMPLOI_DB, else var/reemploi.db)\n"
           "  --json         machine-readable output\n"
           "  --actor NAME   who is acting, for the audit trail (default: $REEMPLOI_ACTOR, else $USER)\n"
           "  --help, --version\n\n"
           "commands:\n";
    std::size_t width = 0;
    for (const auto &c : registry.commands()) width = std::max(width, c.words.size());
    for (const auto &c : registry.commands())
        out << "  " << c.words << std::string(width - c.words.size() + 2, ' ') << c.summary << '\n';
    out << "\n'reemploi COMMAND --help' shows a command's options. Exit codes: 0 ok, 2 bad input or "
           "refused, 1 other failure.\n";
}

std::size_t editDistance(const std::string &a, const std::string &b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// "--name N [--kind a|b]" → {"name", "kind"}.
void optionsInSynopsis(const std::string &synopsis, std::set<std::string> &out) {
    for (std::size_t at = synopsis.find("--"); at != std::string::npos; at = synopsis.find("--", at + 2)) {
        std::size_t end = at + 2;
        while (end < synopsis.size() && (std::isalnum(static_cast<unsigned char>(synopsis[end])) || synopsis[end] == '-'))
            ++end;
        if (end > at + 2) out.insert(synopsis.substr(at + 2, end - at - 2));
    }
}

}  // namespace

std::set<std::string> Command::knownOptions() const {
    std::set<std::string> known = kGlobalOptions;
    known.insert(kGlobalFlags.begin(), kGlobalFlags.end());
    known.insert(flags.begin(), flags.end());
    known.insert(options.begin(), options.end());
    optionsInSynopsis(synopsis, known);
    return known;
}

std::optional<std::string> nearestOption(const std::string &given, const std::set<std::string> &known) {
    std::optional<std::string> best;
    std::size_t bestDistance = 3;
    for (const auto &k : known) {
        std::size_t d = editDistance(given, k);
        if (k.rfind(given, 0) == 0 && given.size() >= 3) d = std::min<std::size_t>(d, 1);
        if (d < bestDistance) {
            bestDistance = d;
            best = k;
        }
    }
    return best;
}

std::optional<std::string> Args::option(const std::string &name) const {
    auto it = _options.find(name);
    if (it == _options.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Args::options(const std::string &name) const {
    std::vector<std::string> out;
    auto [b, e] = _options.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

Result<std::string> Args::required(const std::string &name) const {
    auto v = option(name);
    if (!v || v->empty()) return makeError(Errc::InvalidInput, "missing --" + name);
    return *v;
}

Result<std::optional<std::int64_t>> Args::integer(const std::string &name) const {
    auto v = option(name);
    if (!v) return std::optional<std::int64_t>{};
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size())
        return makeError(Errc::InvalidInput, "--" + name + ": '" + *v + "' is not a whole number");
    return std::optional<std::int64_t>(n);
}

Result<std::optional<double>> Args::decimal(const std::string &name) const {
    auto v = option(name);
    if (!v) return std::optional<double>{};
    std::string s = *v;
    std::replace(s.begin(), s.end(), ',', '.');  // French decimal comma
    char *end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size())
        return makeError(Errc::InvalidInput, "--" + name + ": '" + *v + "' is not a number");
    return std::optional<double>(d);
}

Result<std::uint64_t> Args::megabytes(const std::string &name, std::uint64_t fallback) const {
    auto mb = integer(name);
    if (!mb) return mb.error();
    if (!*mb) return fallback;
    if (**mb <= 0 || **mb > 1'000'000)
        return makeError(Errc::InvalidInput, "--" + name + ": megabytes, from 1 to 1000000");
    return static_cast<std::uint64_t>(**mb) * 1'000'000;
}

namespace {
// A write waits for another writer (an import, a wipe) up to BusyPolicy's limit, saying so once.
inventory::BusyPolicy cliBusyPolicy(std::ostream &err) {
    inventory::BusyPolicy busy;
    busy.onWaiting = [&err] { err << "reemploi: waiting for another writer (an import or a wipe) to finish…" << std::endl; };
    return busy;
}
}  // namespace

Result<inventory::Database *> Context::rawDb() {
    if (!_db) {
        auto opened = inventory::Database::open(dbPath, cliBusyPolicy(err));
        if (!opened) return opened.error();
        _db = std::move(opened.value());
    }
    return _db.get();
}

Result<inventory::Database *> Context::db() {
    if (!_db) {
        auto opened = inventory::openMigrated(dbPath);
        if (!opened) return opened.error();
        _db = std::move(opened.value());
        _db->setBusyPolicy(cliBusyPolicy(err));
    }
    return _db.get();
}

int Context::fail(const Error &error) {
    err << "reemploi: " << error.message << '\n';
    return exitCodeFor(error);
}

void CommandRegistry::add(Command command) { _commands.push_back(std::move(command)); }

int runCli(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err, std::istream &in) {
    CommandRegistry registry;
    registerAllCommands(registry);

    Context ctx(out, err, in);
    const char *envDb = std::getenv("REEMPLOI_DB");
    ctx.dbPath = envDb && *envDb ? envDb : "var/reemploi.db";
    ctx.actor.name = defaultActor();

    // Find the longest command whose words start the non-option words.
    std::vector<std::string> words;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto &a = argv[i];
        if (a.rfind("--", 0) == 0) {
            auto name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
            if (kGlobalOptions.count(name) && a.find('=') == std::string::npos) ++i;
            continue;
        }
        words.push_back(a);
    }
    const Command *command = nullptr;
    std::size_t matched = 0;
    for (const auto &c : registry.commands()) {
        auto cw = splitWords(c.words);
        if (cw.size() <= words.size() && std::equal(cw.begin(), cw.end(), words.begin()) && cw.size() > matched) {
            command = &c;
            matched = cw.size();
        }
    }

    // Parse options and positionals (the command's words are skipped). A mistyped option must not
    // be ignored: `--statuss ready` would list every unit, `--verfy full` would verify less.
    const std::set<std::string> known = command ? command->knownOptions() : std::set<std::string>{};
    Args args;
    std::size_t wordsToSkip = matched;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto &a = argv[i];
        if (a == "--") {
            for (++i; i < argv.size(); ++i) args._positionals.push_back(argv[i]);
            break;
        }
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            auto eq = a.find('=');
            std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (command && !known.count(name)) {
                auto near = nearestOption(name, known);
                return ctx.fail(makeError(Errc::InvalidInput, "unknown option --" + name + " for 'reemploi " +
                                                                  command->words + "'" +
                                                                  (near ? " (did you mean --" + *near + "?)" : "") +
                                                                  "; see reemploi " + command->words + " --help"));
            }
            bool isFlag = kGlobalFlags.count(name) || (command && command->flags.count(name));
            if (eq != std::string::npos) {
                args._options.emplace(name, a.substr(eq + 1));
            } else if (isFlag) {
                args._flags.insert(name);
            } else if (i + 1 < argv.size()) {
                args._options.emplace(name, argv[++i]);
            } else {
                return ctx.fail(makeError(Errc::InvalidInput, "option --" + name + " needs a value"));
            }
            continue;
        }
        if (wordsToSkip > 0) {
            --wordsToSkip;
            continue;
        }
        args._positionals.push_back(a);
    }

    if (auto db = args.option("db")) ctx.dbPath = *db;
    if (auto actor = args.option("actor")) ctx.actor.name = *actor;
    ctx.json = args.flag("json");
    ctx.quiet = args.flag("quiet");
    ctx.settings = readSettings(ctx.dbPath);

    if (args.flag("version")) {
        out << "reemploi " << REEMPLOI_VERSION << '\n';
        return 0;
    }
    if (!command) {
        if (words.empty() || args.flag("help")) {
            printHelp(registry, words.empty() && !args.flag("help") ? err : out);
            return words.empty() && !args.flag("help") ? 2 : 0;
        }
        std::string given;
        for (const auto &w : words) given += (given.empty() ? "" : " ") + w;
        return ctx.fail(makeError(Errc::InvalidInput, "unknown command '" + given + "' (see reemploi --help)"));
    }
    if (args.flag("help")) {
        out << "usage: reemploi " << command->words << ' ' << command->synopsis << "\n\n" << command->summary << '\n';
        return 0;
    }
    int code = 1;
    try {
        code = command->run(ctx, args);
    } catch (const std::exception &e) {
        err << "reemploi: internal error: " << e.what() << '\n';
        return 1;
    }
    // Output that could not be written (a full disk, a closed pipe) is a failure: a script that
    // publishes `reemploi cert pubkey > key.pem` must not be told it worked.
    errno = 0;
    out.flush();
    if (!out) {
        err << "reemploi: cannot write the output" << (errno ? std::string(": ") + std::strerror(errno) : "") << '\n';
        return 1;
    }
    return code;
}

}  // namespace reemploi::app
