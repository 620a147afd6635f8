// A real server in-process on a free port over a temporary database with one account per role,
// a donor and a donation; and waiting on the server's live events (never sleep-then-assert).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"
#include "app/http/ApiClient.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"

namespace reemploi::test {

inline const std::string kApiPassword = "correct horse battery";

class ApiServer {
public:
    explicit ApiServer(std::function<void(app::http::ServerConfig &)> configure = {}) {
        auto db = inventory::Database::open(dir.path).value();
        EXPECT_TRUE(inventory::migrate(*db));
        inventory::Actor cli{"setup", inventory::Role::Admin, ""};
        for (auto [name, role] : {std::pair{"ada", inventory::Role::Admin}, std::pair{"cora", inventory::Role::Coordinator},
                                  std::pair{"tom", inventory::Role::Trainee}})
            EXPECT_TRUE(app::accounts::addUser(*db, {name, role, kApiPassword, ""}, cli));
        auto donor = inventory::addDonor(*db, {"Acme SA", inventory::DonorKind::Company, ""}, cli).value();
        donation = inventory::addDonation(*db, {donor.id, "2026-11-20", "Lyon", ""}, cli).value().id;
        app::http::ServerConfig config;
        config.database = dir.path;
        config.port = 0;
        if (configure) configure(config);
        server = std::make_unique<app::http::Server>(config);
        auto started = server->start();
        EXPECT_TRUE(started) << (started ? "" : started.error().message);
    }

    ApiClient as(const std::string &name) {
        ApiClient c(server->port());
        EXPECT_EQ(c.login(name, kApiPassword).status, 200);
        return c;
    }

    std::unique_ptr<inventory::Database> db() { return inventory::Database::open(dir.path).value(); }

    TempDb dir;
    std::int64_t donation = 0;
    std::unique_ptr<app::http::Server> server;
};

// The next event that satisfies `pred` (other events are passed to `seen` first), or nothing
// after `limit`.
inline std::optional<app::http::LiveEvent> waitForEvent(app::http::Subscription &sub,
                                                         const std::function<bool(const app::http::LiveEvent &)> &pred,
                                                         std::chrono::seconds limit = std::chrono::seconds(120),
                                                         const std::function<void(const app::http::LiveEvent &)> &seen = {}) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        auto e = sub.next(std::chrono::milliseconds(500));
        if (sub.closed()) return std::nullopt;
        if (!e) continue;
        if (seen) seen(*e);
        if (pred(*e)) return e;
    }
    return std::nullopt;
}

inline Poco::JSON::Object::Ptr parseJson(const std::string &text) {
    Poco::JSON::Parser p;
    return p.parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace reemploi::test
