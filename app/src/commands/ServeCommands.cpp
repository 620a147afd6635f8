// The web server (`serve`), accounts (`user …`) and donors' links (`donor-link …`). They parse
// and print; the server and the services do the work.
#include <iostream>
#include <unistd.h>

#include <Poco/Util/ServerApplication.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Migrations.hpp>

#include "cli/Cli.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"
#include "services/DonorLinks.hpp"

namespace reemploi::app {

namespace {

// Poco's server shell: it waits for SIGINT/SIGTERM (or a service stop) and then we stop the
// server gracefully, letting running requests finish.
class ServeApplication : public Poco::Util::ServerApplication {
public:
    ServeApplication(http::Server &server, Context &ctx) : _server(server), _ctx(ctx) {}
    int exitCode = 0;

protected:
    int main(const std::vector<std::string> &) override {
        if (auto started = _server.start(); !started) {
            exitCode = _ctx.fail(started.error());
            return EXIT_OK;
        }
        auto &config = _server.state().config;
        _ctx.out << "reemploi: serving " << config.database << " on " << config.publicUrl() << " (port " << _server.port()
                 << ")" << std::endl;
        waitForTerminationRequest();
        auto wipes = _server.state().wipes ? _server.state().wipes->running() : 0;
        _ctx.out << "reemploi: stopping";
        if (wipes) _ctx.out << " (" << wipes << " running wipe session(s) cancelled: recording them interrupted)";
        _ctx.out << std::endl;
        _server.stop();
        return EXIT_OK;
    }

private:
    http::Server &_server;
    Context &_ctx;
};

int cmdServe(Context &ctx, const Args &args) {
    http::ServerConfig config;
    config.database = ctx.dbPath;
    if (auto file = args.option("config")) {
        auto loaded = http::loadServerConfig(*file, config);
        if (!loaded) return ctx.fail(loaded.error());
        config = *loaded;
        if (args.option("db")) config.database = ctx.dbPath;  // the command line wins
    }
    if (auto bind = args.option("bind")) config.bind = *bind;
    auto port = args.integer("port");
    if (!port) return ctx.fail(port.error());
    if (*port) {
        if (**port < 0 || **port > 65535) return ctx.fail(makeError(Errc::InvalidInput, "--port: not a port number"));
        config.port = static_cast<int>(**port);
    }
    if (auto root = args.option("web-root")) config.webRoot = *root;
    config.allowRoot = args.flag("allow-root");
    if (::geteuid() == 0 && !config.allowRoot)
        return ctx.fail(makeError(Errc::Refused,
                                  "serve refuses to run as root: a web server should not hold every right on the "
                                  "machine. Run it as an unprivileged account (deploy/reemploi.service uses user "
                                  "'reemploi' in the group that may open USB devices), or pass --allow-root"));
    // The database is opened now so that a wrong path or an uninitialised file is said at once.
    auto db = inventory::openMigrated(config.database);
    if (!db) return ctx.fail(db.error());
    auto any = accounts::hasAccounts(**db);
    if (!any) return ctx.fail(any.error());
    if (!*any)
        ctx.out << "reemploi: no account yet. Create the first admin (the password is read from standard input):\n"
                   "  reemploi --db "
                << config.database << " user add NAME --role admin\n";
    http::Server server(config);
    ServeApplication app(server, ctx);
    app.run(std::vector<std::string>{"reemploi serve"});
    return app.exitCode;
}

Result<std::string> oneName(const Args &args, const std::string &usage) {
    if (args.positionals().size() != 1) return makeError(Errc::InvalidInput, "usage: reemploi " + usage);
    return args.positionals()[0];
}

// A password from standard input: its first line (a terminal, a pipe or a file).
Result<std::string> readPassword(Context &ctx) {
    std::string line;
    if (!std::getline(ctx.in, line)) return makeError(Errc::InvalidInput, "no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

int cmdUserAdd(Context &ctx, const Args &args) {
    auto name = oneName(args, "user add NAME --role mediator|trainee|coordinator|admin [--site S] [--structure UAI|ID]"
                              " (password on standard input)");
    if (!name) return ctx.fail(name.error());
    auto role = args.required("role");
    if (!role) return ctx.fail(role.error());
    auto parsed = inventory::parseRole(*role);
    if (!parsed) return ctx.fail(parsed.error());
    auto password = readPassword(ctx);
    if (!password) return ctx.fail(password.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto user = accounts::addUser(
        **db, {*name, *parsed, *password, args.option("site").value_or(""), args.option("structure").value_or("")},
        ctx.actor);
    if (!user) return ctx.fail(user.error());
    if (ctx.json)
        ctx.out << json::Object().set("name", user->name).set("role", inventory::toString(user->role)).str() << '\n';
    else
        ctx.out << "account " << user->name << " (" << inventory::toString(user->role) << ") created\n";
    return 0;
}

int cmdUserList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto users = accounts::listUsers(**db, ctx.actor);
    if (!users) return ctx.fail(users.error());
    json::Array all;
    for (const auto &u : *users) {
        if (ctx.json)
            all.add(json::Object().set("name", u.name).set("role", inventory::toString(u.role)).set("site", u.site).set("disabled", u.disabled));
        else
            ctx.out << u.name << "  " << inventory::toString(u.role) << (u.site.empty() ? "" : "  " + u.site)
                    << (u.disabled ? "  (disabled)" : "") << '\n';
    }
    if (ctx.json) ctx.out << all.str() << '\n';
    return 0;
}

int cmdUserPassword(Context &ctx, const Args &args) {
    auto name = oneName(args, "user password NAME (new password on standard input)");
    if (!name) return ctx.fail(name.error());
    auto password = readPassword(ctx);
    if (!password) return ctx.fail(password.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto user = accounts::setPassword(**db, *name, *password, ctx.actor);
    if (!user) return ctx.fail(user.error());
    ctx.out << "password of " << user->name << " changed\n";
    return 0;
}

int cmdUserDisable(Context &ctx, const Args &args, bool disabled) {
    auto name = oneName(args, disabled ? "user disable NAME" : "user enable NAME");
    if (!name) return ctx.fail(name.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto user = accounts::setDisabled(**db, *name, disabled, ctx.actor);
    if (!user) return ctx.fail(user.error());
    ctx.out << user->name << (disabled ? " disabled\n" : " enabled\n");
    return 0;
}

int cmdDonorLinkCreate(Context &ctx, const Args &args) {
    auto donation = args.integer("donation");
    if (!donation) return ctx.fail(donation.error());
    if (!*donation) return ctx.fail(makeError(Errc::InvalidInput, "missing --donation"));
    auto days = args.integer("days");
    if (!days) return ctx.fail(days.error());
    if (*days && (**days < 1 || **days > 3650)) return ctx.fail(makeError(Errc::InvalidInput, "--days: 1 to 3650"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto link = donorlinks::createLink(**db, **donation, std::chrono::hours(24 * days->value_or(90)), ctx.actor);
    if (!link) return ctx.fail(link.error());
    // The token travels in the fragment: browsers never send it to a server or a Referer.
    std::string base = args.option("base-url").value_or("http://127.0.0.1:8080");
    if (!base.empty() && base.back() == '/') base.pop_back();
    std::string url = base + "/donateur.html#" + link->token;
    if (ctx.json)
        ctx.out << json::Object().set("url", url).set("donation", link->donationId).set("expires_at", link->expiresAt).str() << '\n';
    else
        ctx.out << url << "\n(valid until " << link->expiresAt << "; revoke with: reemploi donor-link revoke --donation "
                << link->donationId << ")\n";
    return 0;
}

int cmdDonorLinkRevoke(Context &ctx, const Args &args) {
    auto donation = args.integer("donation");
    if (!donation) return ctx.fail(donation.error());
    if (!*donation) return ctx.fail(makeError(Errc::InvalidInput, "missing --donation"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto n = donorlinks::revokeLinks(**db, **donation, ctx.actor);
    if (!n) return ctx.fail(n.error());
    if (ctx.json) ctx.out << json::Object().set("revoked", *n).str() << '\n';
    else ctx.out << *n << " link(s) of donation " << **donation << " revoked\n";
    return 0;
}

}  // namespace

void registerServeCommands(CommandRegistry &r) {
    r.add({"serve", "[--port N] [--bind ADDR] [--config FILE] [--web-root DIR] [--allow-root]",
           "start the web app (bench, coordination, donors' pages) and its JSON API", {"allow-root"}, cmdServe});
    r.add({"user add", "NAME --role mediator|trainee|coordinator|admin [--site S] [--structure UAI|ID]",
           "create a web account; the password is read from standard input", {}, cmdUserAdd});
    r.add({"user list", "", "list web accounts", {}, cmdUserList});
    r.add({"user password", "NAME", "change an account's password (read from standard input)", {}, cmdUserPassword});
    r.add({"user disable", "NAME", "stop an account from signing in", {},
           [](Context &c, const Args &a) { return cmdUserDisable(c, a, true); }});
    r.add({"user enable", "NAME", "let a disabled account sign in again", {},
           [](Context &c, const Args &a) { return cmdUserDisable(c, a, false); }});
    r.add({"donor-link create", "--donation ID [--days N] [--base-url URL]",
           "a link for the donor to follow what became of their donation (prints it once)", {}, cmdDonorLinkCreate});
    r.add({"donor-link revoke", "--donation ID", "revoke every link of a donation", {}, cmdDonorLinkRevoke});
}

}  // namespace reemploi::app
