// Commands over schools, needs and the allocation: imports, proposals, confirmation, pins,
// deliveries and returns. They parse and print; the services do the work.
#include <iomanip>
#include <iostream>

#include <reemploi/common/Json.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Views.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

using namespace reemploi::inventory;
namespace alloc = reemploi::inventory::allocation;

namespace {

Result<std::string> onePositional(const Args &args, const std::string &usage) {
    if (args.positionals().size() != 1) return makeError(Errc::InvalidInput, "usage: reemploi " + usage);
    return args.positionals()[0];
}

int printImport(Context &ctx, const intake::SchoolDataReport &r, const char *what) {
    if (ctx.json) {
        ctx.out << r.json() << '\n';
    } else {
        for (const auto &e : r.errors) ctx.err << "reemploi: " << e.text() << '\n';
        if (r.errorsTotal > r.errors.size())
            ctx.err << "reemploi: " << intake::moreErrorsText(r.errorsTotal - r.errors.size()) << '\n';
        if (!r.ignoredColumns.empty()) {
            ctx.out << "ignored columns:";
            for (const auto &c : r.ignoredColumns) ctx.out << " \"" << c << '"';
            ctx.out << '\n';
        }
        if (!r.succeeded())
            ctx.err << "reemploi: " << r.errorsTotal << " error(s) in " << r.rows << " rows: nothing imported\n";
        else if (r.dryRun)
            ctx.out << r.rows << " rows checked, all valid; would create " << r.wouldCreate << ", update "
                    << r.wouldUpdate << (r.filtered ? ", " + std::to_string(r.filtered) + " left out by --only-type" : "")
                    << " (dry run: nothing written)\n";
        else
            ctx.out << r.created << ' ' << what << " created" << (r.updated ? ", " + std::to_string(r.updated) + " updated" : "")
                    << (r.filtered ? ", " + std::to_string(r.filtered) + " rows left out by --only-type" : "") << '\n';
    }
    return r.succeeded() ? 0 : 2;
}

// A refusal of the whole file: with --json, a JSON document on stdout as for any other outcome.
int failImport(Context &ctx, const Error &error) {
    if (ctx.json) ctx.out << intake::refusedImportJson(error) << '\n';
    return ctx.fail(error);
}

int cmdSchoolImport(Context &ctx, const Args &args) {
    auto path = onePositional(args, "school import FILE [--dry-run] [--only-type TYPE] [--max-size MB]");
    if (!path) return failImport(ctx, path.error());
    intake::SchoolDataOptions options{args.flag("dry-run")};
    options.onlyType = args.option("only-type").value_or("");
    auto maxSize = args.megabytes("max-size", options.maxBytes);
    if (!maxSize) return failImport(ctx, maxSize.error());
    options.maxBytes = *maxSize;
    auto db = ctx.db();
    if (!db) return failImport(ctx, db.error());
    auto report = intake::importSchoolsFile(**db, *path, options, ctx.actor);
    if (!report) return failImport(ctx, report.error());
    return printImport(ctx, *report, "schools");
}

int cmdSchoolList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto schools = listSchools(**db);
    if (!schools) return ctx.fail(schools.error());
    if (ctx.json) {
        json::Array out;
        for (const auto &s : *schools) out.add(toJson(s));
        ctx.out << out.str() << '\n';
        return 0;
    }
    for (const auto &s : *schools)
        ctx.out << s.uai << "  " << s.name << "  " << s.town << (s.priorityArea ? "  [QPV]" : "") << '\n';
    return 0;
}

int cmdNeedImport(Context &ctx, const Args &args) {
    auto path = onePositional(args, "need import FILE [--dry-run] [--max-size MB] [--programme NAME]");
    if (!path) return failImport(ctx, path.error());
    intake::SchoolDataOptions options{args.flag("dry-run")};
    options.programme = args.option("programme").value_or("");
    auto maxSize = args.megabytes("max-size", options.maxBytes);
    if (!maxSize) return failImport(ctx, maxSize.error());
    options.maxBytes = *maxSize;
    auto db = ctx.db();
    if (!db) return failImport(ctx, db.error());
    auto report = intake::importNeedsFile(**db, *path, options, ctx.actor);
    if (!report) return failImport(ctx, report.error());
    return printImport(ctx, *report, "needs");
}

int cmdNeedList(Context &ctx, const Args &args) {
    std::optional<NeedStatus> status;
    if (auto s = args.option("status")) {
        auto parsed = parseNeedStatus(*s);
        if (!parsed) return ctx.fail(parsed.error());
        status = *parsed;
    }
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto needs = listNeeds(**db, status);
    if (!needs) return ctx.fail(needs.error());
    if (ctx.json) {
        json::Array out;
        for (const auto &n : *needs) out.add(toJson(n));
        ctx.out << out.str() << '\n';
        return 0;
    }
    for (const auto &n : *needs) {
        ctx.out << n.ref() << "  [" << toString(n.status) << "]  rank " << needRank(n) << "  " << n.grades.size()
                << " child(ren), " << n.devicesAtHome << " device(s), internet " << alloc::toString(n.internet)
                << ", prefers " << alloc::toString(n.preference);
        if (n.unitTag) ctx.out << "  unit " << *n.unitTag;
        ctx.out << '\n';
    }
    return 0;
}

int cmdNeedWithdraw(Context &ctx, const Args &args) {
    auto ref = onePositional(args, "need withdraw REF");
    if (!ref) return ctx.fail(ref.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto need = withdrawNeed(**db, *ref, ctx.actor);
    if (!need) return ctx.fail(need.error());
    if (ctx.json) ctx.out << toJson(*need).str() << '\n';
    else ctx.out << need->ref() << " withdrawn\n";
    return 0;
}

void printProposal(Context &ctx, const alloc::Proposal &proposal) {
    const auto &p = proposal.input.problem;
    const auto &s = proposal.solution;
    auto &o = ctx.out;
    auto ref = [&](std::size_t j) { return p.schools[p.needs[j].school].uai + "/" + p.needs[j].family; };
    if (proposal.runId)
        o << "Proposal " << *proposal.runId << " stored; apply it with 'reemploi allocate confirm'.\n";
    else
        o << "Dry run: nothing stored.\n";
    for (const auto &n : s.notes) o << "note: " << n << '\n';
    o << "\nAssignments (" << s.assignments.size() << "):\n";
    for (const auto &a : s.assignments) o << "  " << p.units[a.unit].tag << " -> " << ref(a.need) << "  " << a.reason << '\n';
    if (!s.kitAssignments.empty()) {
        o << "\nConnectivity kits (" << s.kitAssignments.size() << "):\n";
        for (const auto &k : s.kitAssignments) o << "  " << p.kits[k.kit].tag << " -> " << ref(k.need) << "  " << k.reason << '\n';
    }
    o << "\nUnmet needs (" << s.unmet.size() << "):\n";
    for (const auto &m : s.unmet) o << "  " << ref(m.need) << "  rank " << alloc::rankOf(p.needs[m.need]) << ": " << m.why << '\n';
    o << "\nUnits left (" << s.unused.size() << "):\n";
    for (const auto &u : s.unused) o << "  " << p.units[u.unit].tag << "  " << u.why << '\n';
    static const char *kRanks[] = {"no device at home", "fewer devices than children", "enough devices"};
    o << "\nFamilies served by rank:\n";
    for (int r = 0; r < 3; ++r)
        o << "  " << r + 1 << ". " << std::left << std::setw(30) << kRanks[r] << s.byRank[r].served << " of "
          << s.byRank[r].open << '\n';
    o << "Families served by school (share of the supply in brackets):\n";
    for (std::size_t i = 0; i < s.bySchool.size(); ++i) {
        const auto &f = s.bySchool[i];
        if (f.open == 0) continue;
        o << "  " << p.schools[i].uai << "  " << f.served << " of " << f.open << " [" << f.share << "]  by rank "
          << f.servedByRank[0] << '/' << f.openByRank[0] << ", " << f.servedByRank[1] << '/' << f.openByRank[1] << ", "
          << f.servedByRank[2] << '/' << f.openByRank[2] << '\n';
    }
    o << "Priority weight served " << s.priorityWeight << ", suitability cost " << s.suitabilityCost
      << ", units beyond school shares " << s.overShare << '\n';
}

int cmdAllocate(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "unknown argument '" + args.positionals()[0] +
                                                          "' (see reemploi allocate --help)"));
    std::optional<alloc::Config> given;
    if (auto path = args.option("config")) {
        auto loaded = alloc::loadConfigFile(*path);
        if (!loaded) return ctx.fail(loaded.error());
        given = *loaded;
    }
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    // Within a programme: its own rules, unless --config names a file (which then replaces them).
    auto run = alloc::programmeRun(**db, args.option("programme"), given);
    if (!run) return ctx.fail(run.error());
    auto proposal = alloc::propose(**db, run->config, ctx.actor, args.flag("dry-run"), run->programmeId);
    if (!proposal) return ctx.fail(proposal.error());
    if (ctx.json) ctx.out << alloc::proposalJson(*proposal) << '\n';
    else printProposal(ctx, *proposal);
    return 0;
}

int cmdAllocateConfirm(Context &ctx, const Args &args) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto run = alloc::programmeRun(**db, args.option("programme"), alloc::Config{});
    if (!run) return ctx.fail(run.error());
    auto report = alloc::confirmProposal(**db, ctx.actor, run->programmeId);
    if (!report) return ctx.fail(report.error());
    if (ctx.json)
        ctx.out << alloc::toJson(*report).str() << '\n';
    else
        ctx.out << "Proposal " << report->runId << " confirmed: " << report->allocated << " units allocated"
                << (report->kits ? ", " + std::to_string(report->kits) + " connectivity kits" : "") << "\n"
                << "audit head " << report->auditHead.id << ':' << report->auditHead.hash
                << " (keep it: 'reemploi audit verify --anchor' checks the trail still holds it)\n";
    return 0;
}

int cmdAllocatePin(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "allocate pin TAG --need REF");
    if (!tag) return ctx.fail(tag.error());
    auto need = args.required("need");
    if (!need) return ctx.fail(need.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    if (auto ok = alloc::pinUnit(**db, *tag, *need, ctx.actor); !ok) return ctx.fail(ok.error());
    if (!ctx.json) ctx.out << *tag << " pinned to " << *need << '\n';
    else ctx.out << alloc::toJson(alloc::PinEntry{*tag, "pin", *need}).str() << '\n';
    return 0;
}

int cmdAllocateExclude(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "allocate exclude TAG");
    if (!tag) return ctx.fail(tag.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    if (auto ok = alloc::excludeUnit(**db, *tag, ctx.actor); !ok) return ctx.fail(ok.error());
    if (!ctx.json) ctx.out << *tag << " excluded from the next allocations\n";
    else ctx.out << alloc::toJson(alloc::PinEntry{*tag, "exclude", {}}).str() << '\n';
    return 0;
}

int cmdAllocateUnpin(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "allocate unpin TAG");
    if (!tag) return ctx.fail(tag.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    if (auto ok = alloc::clearPin(**db, *tag, ctx.actor); !ok) return ctx.fail(ok.error());
    if (!ctx.json) ctx.out << *tag << ": pin or exclusion cleared\n";
    else ctx.out << alloc::toJson(alloc::PinEntry{*tag, "cleared", {}}).str() << '\n';
    return 0;
}

int cmdAllocatePins(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto pins = alloc::listPins(**db);
    if (!pins) return ctx.fail(pins.error());
    if (ctx.json) {
        json::Array out;
        for (const auto &p : *pins) out.add(alloc::toJson(p));
        ctx.out << out.str() << '\n';
        return 0;
    }
    for (const auto &p : *pins) ctx.out << p.tag << "  " << p.kind << (p.needRef ? "  " + *p.needRef : "") << '\n';
    return 0;
}

int cmdAllocateCancel(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "allocate cancel TAG");
    if (!tag) return ctx.fail(tag.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = alloc::cancelAllocation(**db, *tag, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    if (ctx.json) ctx.out << toJson(*unit).str() << '\n';
    else ctx.out << unit->tag << " is ready again; its need is open again\n";
    return 0;
}

int cmdDeliveryRecord(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "delivery record TAG --need REF");
    if (!tag) return ctx.fail(tag.error());
    auto need = args.required("need");
    if (!need) return ctx.fail(need.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = alloc::recordDelivery(**db, *tag, *need, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    if (ctx.json) ctx.out << toJson(*unit).str() << '\n';
    else ctx.out << unit->tag << " delivered to " << *need << '\n';
    return 0;
}

int cmdUnitReturn(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "unit return TAG");
    if (!tag) return ctx.fail(tag.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = alloc::returnUnit(**db, *tag, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    if (ctx.json) ctx.out << toJson(*unit).str() << '\n';
    else ctx.out << unit->tag << " returned\n";
    return 0;
}

}  // namespace

void registerAllocationCommands(CommandRegistry &r) {
    r.add({"school import", "FILE [--dry-run] [--only-type TYPE] [--max-size MB]",
           "import schools from a CSV or the national directory's export (all or nothing)", {"dry-run"}, cmdSchoolImport});
    r.add({"school list", "", "list the schools", {}, cmdSchoolList});
    r.add({"need import", "FILE [--dry-run] [--max-size MB] [--programme NAME]", "import families' needs from a CSV (all or nothing)", {"dry-run"}, cmdNeedImport});
    r.add({"need list", "[--status open|served|withdrawn]", "list the families' needs", {}, cmdNeedList});
    r.add({"need withdraw", "REF", "withdraw an open need (REF: UAI/FAMILY)", {}, cmdNeedWithdraw});
    r.add({"allocate", "[--dry-run] [--json] [--config FILE] [--programme NAME]",
           "propose which ready unit goes to which family, with reasons (stored unless --dry-run)", {"dry-run"},
           cmdAllocate});
    r.add({"allocate confirm", "[--programme NAME]", "apply the stored proposal: units allocated, needs served", {}, cmdAllocateConfirm});
    r.add({"allocate pin", "TAG --need REF", "pin a ready unit to a need for the next proposals", {}, cmdAllocatePin});
    r.add({"allocate exclude", "TAG", "keep a unit out of the next proposals", {}, cmdAllocateExclude});
    r.add({"allocate unpin", "TAG", "clear a unit's pin or exclusion", {}, cmdAllocateUnpin});
    r.add({"allocate pins", "", "list pins and exclusions", {}, cmdAllocatePins});
    r.add({"allocate cancel", "TAG", "undo a confirmed allocation before delivery: unit ready, need open again", {},
           cmdAllocateCancel});
    r.add({"delivery record", "TAG --need REF", "the unit reached its family: allocated -> delivered", {}, cmdDeliveryRecord});
    r.add({"unit return", "TAG", "the family gave the unit back: -> returned", {}, cmdUnitReturn});
}

}  // namespace reemploi::app
