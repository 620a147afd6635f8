// A long import does not lock the bench out, end to end: while another process holds the write
// lock, `reemploi donor add` says it is waiting, then succeeds once the lock is released.
#include <chrono>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Donors.hpp>

#include "app/RunReemploi.hpp"

extern char **environ;

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

// Reads `fd` until `text` appears, the pipe closes, or `timeout` passes; returns what was read.
std::string readUntil(int fd, const std::string &text, std::chrono::seconds timeout) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got.find(text) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[512];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

}  // namespace

TEST(DatabaseCli, AWriteWaitsForAnotherProcessWriterSayingSoThenSucceeds) {
    reemploi::test::TempDb db;
    ASSERT_EQ(reemploi::test::runReemploi(db.path, {"init"}).exitCode, 0);
    auto holderOpened = Database::open(db.path);
    ASSERT_TRUE(holderOpened) << holderOpened.error().message;
    auto &holder = *holderOpened.value();
    holder.begin();  // the import's transaction: the write lock, held

    int errPipe[2];
    ASSERT_EQ(pipe(errPipe), 0);
    std::vector<std::string> args = {REEMPLOI_BINARY, "--db", db.path, "--actor", "trainee-1",
                                     "donor", "add", "--name", "Mairie de Lyon"};
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    posix_spawn_file_actions_addclose(&actions, errPipe[0]);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(errPipe[1]);
    ASSERT_EQ(spawned, 0);

    // Released once the other process has said it waits (it would wait up to 5 minutes).
    std::string said = readUntil(errPipe[0], "waiting for another writer", std::chrono::seconds(60));
    holder.commit();
    std::string rest = readUntil(errPipe[0], "\n\n(never)", std::chrono::seconds(120));  // to EOF
    close(errPipe[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);

    EXPECT_NE(said.find("reemploi: waiting for another writer (an import or a wipe) to finish"), std::string::npos)
        << said;
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << said << rest;
    auto donors = listDonors(holder);
    ASSERT_TRUE(donors) << donors.error().message;
    ASSERT_EQ(donors->size(), 1u);
    EXPECT_EQ(donors->front().name, "Mairie de Lyon");
}
