// The command-line shell: parses words and options, finds the command, runs it, maps errors to
// exit codes. Commands only parse and print; the work is done by the folders' services.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

#include "cli/Settings.hpp"

namespace reemploi::app {

// Parsed arguments of one command: positionals and --options (as given after the command words).
class Args {
public:
    const std::vector<std::string> &positionals() const { return _positionals; }
    std::optional<std::string> option(const std::string &name) const;
    std::vector<std::string> options(const std::string &name) const;  // a repeated option
    bool flag(const std::string &name) const { return _flags.count(name) > 0; }

    // The value of a required option, or an InvalidInput error naming it.
    Result<std::string> required(const std::string &name) const;
    // An optional integer option; InvalidInput if present and not an integer.
    Result<std::optional<std::int64_t>> integer(const std::string &name) const;
    Result<std::optional<double>> decimal(const std::string &name) const;
    // A size in decimal megabytes (`--max-size 20`) as bytes, or `fallback` when absent.
    Result<std::uint64_t> megabytes(const std::string &name, std::uint64_t fallback) const;

    std::vector<std::string> _positionals;
    std::multimap<std::string, std::string> _options;
    std::set<std::string> _flags;
};

// What every command gets: global options, output streams, and the database on demand.
class Context {
public:
    Context(std::ostream &out, std::ostream &err, std::istream &in) : out(out), err(err), in(in) {}

    std::ostream &out;
    std::ostream &err;
    std::istream &in;
    std::string dbPath;
    bool json = false;
    bool quiet = false;
    inventory::Actor actor;
    Settings settings;  // from the environment, read once (Settings.hpp)

    // The database, opened on first use and checked to be migrated (`reemploi init`).
    Result<inventory::Database *> db();
    // Opens without the migration check (for `init`).
    Result<inventory::Database *> rawDb();

    // Prints an error as one line ("reemploi: …") and returns its exit code.
    int fail(const Error &error);

private:
    std::unique_ptr<inventory::Database> _db;
};

struct Command {
    std::string words;                 // "unit add"
    std::string synopsis;              // "--donation ID --kind KIND …"
    std::string summary;               // one line for --help
    std::set<std::string> flags;       // options that take no value, besides the global ones
    std::function<int(Context &, const Args &)> run;
    // Options taking a value that the synopsis does not spell (rare: the synopsis is the list).
    std::set<std::string> options = {};

    // Every option this command accepts: the --words of its synopsis, its flags, its extra
    // options and the global ones. Anything else is refused before the command runs.
    std::set<std::string> knownOptions() const;
};

class CommandRegistry {
public:
    void add(Command command);
    const std::vector<Command> &commands() const { return _commands; }

private:
    std::vector<Command> _commands;
};

// Registers every command of every folder (Commands.cpp).
void registerAllCommands(CommandRegistry &registry);

// The known option nearest to `given` (edit distance at most 2, or a prefix), for "did you mean".
std::optional<std::string> nearestOption(const std::string &given, const std::set<std::string> &known);

// Runs the command line; returns the process's exit code.
int runCli(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err, std::istream &in);

}  // namespace reemploi::app
