// The command shell refuses what it does not understand and reports output it could not write:
// a mistyped option must never be silently ignored, and a failed write must never exit 0.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "app/RunReemploi.hpp"
#include "cli/Cli.hpp"

using namespace reemploi::test;

namespace reemploi::app {
void registerInventoryCommands(CommandRegistry &);
void registerAllocationCommands(CommandRegistry &);
void registerWipeCommands(CommandRegistry &);
void registerIntakeCommands(CommandRegistry &);
void registerLabelCommands(CommandRegistry &);
void registerDiagCommands(CommandRegistry &);
}  // namespace reemploi::app

namespace {

class CliOptions : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(run({"init"}).exitCode, 0); }
    RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }
    TempDb db;
};

}  // namespace

TEST_F(CliOptions, AMistypedOptionIsRefusedNamingTheNearestOne) {
    auto r = run({"unit", "list", "--statuss", "ready"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("unknown option --statuss"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean --status?"), std::string::npos) << r.err;
}

TEST_F(CliOptions, AMistypedWipeOptionIsRefusedBeforeAnythingIsErased) {
    std::string target = db.dir + "/disk.img";
    {
        std::ofstream f(target, std::ios::binary);
        f << std::string(1 << 16, 'x');
    }
    auto r = run({"wipe", target, "--unit", "RE-000001", "--method", "clear-zero", "--verfy", "full"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("unknown option --verfy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean --verify?"), std::string::npos) << r.err;
    std::ifstream in(target, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), std::string(1 << 16, 'x'));
}

TEST_F(CliOptions, AnOptionFarFromEveryKnownOneIsRefusedWithoutAGuess) {
    auto r = run({"donor", "list", "--zzzzzzzz"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("unknown option --zzzzzzzz"), std::string::npos);
    EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
}

TEST_F(CliOptions, GlobalOptionsAreKnownToEveryCommand) {
    EXPECT_EQ(run({"donor", "list", "--json", "--quiet", "--actor", "someone"}).exitCode, 0);
}

TEST(CliNearestOption, PrefersSmallEditsAndPrefixes) {
    std::set<std::string> known = {"status", "donation", "kind", "json"};
    EXPECT_EQ(reemploi::app::nearestOption("statuss", known), "status");
    EXPECT_EQ(reemploi::app::nearestOption("donat", known), "donation");
    EXPECT_EQ(reemploi::app::nearestOption("knd", known), "kind");
    EXPECT_EQ(reemploi::app::nearestOption("verbose", known), std::nullopt);
}

// Every option a command file reads must be one its commands declare (in their synopsis, flags
// or extra options): otherwise the shell would refuse an option the command needs.
TEST(CliOptionsDeclared, EveryOptionACommandReadsIsDeclared) {
    using Register = void (*)(reemploi::app::CommandRegistry &);
    const std::vector<std::pair<std::string, Register>> files = {
        {"InventoryCommands.cpp", reemploi::app::registerInventoryCommands},
        {"AllocationCommands.cpp", reemploi::app::registerAllocationCommands},
        {"WipeCommands.cpp", reemploi::app::registerWipeCommands},
        {"IntakeCommands.cpp", reemploi::app::registerIntakeCommands},
        {"LabelCommands.cpp", reemploi::app::registerLabelCommands},
        {"DiagCommands.cpp", reemploi::app::registerDiagCommands},
    };
    const std::regex read(R"re(\b(?:option|options|required|integer|decimal|flag)\("([a-z0-9-]+)"\))re");
    for (const auto &[file, registerCommands] : files) {
        reemploi::app::CommandRegistry registry;
        registerCommands(registry);
        std::set<std::string> declared;
        for (const auto &c : registry.commands()) {
            auto known = c.knownOptions();
            declared.insert(known.begin(), known.end());
        }
        std::ifstream in(std::string(REEMPLOI_SOURCE_DIR) + "/app/src/commands/" + file);
        ASSERT_TRUE(in) << file;
        std::stringstream source;
        source << in.rdbuf();
        std::string text = source.str();
        for (std::sregex_iterator it(text.begin(), text.end(), read), end; it != end; ++it)
            EXPECT_TRUE(declared.count((*it)[1])) << file << " reads --" << (*it)[1] << " but no command declares it";
    }
}

TEST_F(CliOptions, OutputThatCannotBeWrittenExitsOne) {
    // /dev/full: every write fails with ENOSPC.
    std::string cmd = shellQuote(REEMPLOI_BINARY) + " --db " + shellQuote(db.path) + " donor list --json >/dev/full 2>" +
                      shellQuote(db.dir + "/err");
    int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    std::ifstream err(db.dir + "/err");
    std::stringstream text;
    text << err.rdbuf();
    EXPECT_NE(text.str().find("cannot write the output"), std::string::npos) << text.str();
}

TEST_F(CliOptions, AClosedPipeIsAWriteErrorNotASilentDeath) {
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(run({"donor", "add", "--name", "Donor " + std::to_string(i)}).exitCode, 0);
    // The reader closes the pipe before the first byte is written: reemploi must exit 1.
    std::string cmd = "( " + shellQuote(REEMPLOI_BINARY) + " --db " + shellQuote(db.path) + " donor list 2>/dev/null; echo $? >" +
                      shellQuote(db.dir + "/code") + " ) | true";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream code(db.dir + "/code");
    int exitCode = -1;
    code >> exitCode;
    // The reader may still be open when the output is written (then it succeeds); it must never
    // be a signal death (141).
    EXPECT_TRUE(exitCode == 0 || exitCode == 1) << exitCode;
}
