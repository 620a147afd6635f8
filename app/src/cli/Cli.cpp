// Command-line parsing and dispatch.
#include "cli/Cli.hpp"

#include <algorithm>
#include <charconv>
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
           "  --db PATH      database (default: $REEMPLOI_DB, else var/reemploi.db)\n"
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

}  // namespace

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

Result<inventory::Database *> Context::rawDb() {
    if (!_db) {
        auto opened = inventory::Database::open(dbPath);
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
    }
    return _db.get();
}

int Context::fail(const Error &error) {
    err << "reemploi: " << error.message << '\n';
    return exitCodeFor(error);
}

void CommandRegistry::add(Command command) { _commands.push_back(std::move(command)); }

int runCli(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err) {
    CommandRegistry registry;
    registerAllCommands(registry);

    Context ctx(out, err);
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

    // Parse options and positionals (the command's words are skipped).
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
    try {
        return command->run(ctx, args);
    } catch (const std::exception &e) {
        err << "reemploi: internal error: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace reemploi::app
