// Commands over programmes and levels, structures, loans, connectivity kits and distribution
// sites. They parse and print; the services (inventory/Programmes, Loans, Kits, Sites) do the work.
#include <fstream>
#include <iostream>

#include <reemploi/common/File.hpp>
#include <reemploi/common/Json.hpp>
#include <reemploi/intake/SiteImport.hpp>
#include <reemploi/inventory/Kits.hpp>
#include <reemploi/inventory/Loans.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Sites.hpp>

#include "cli/Cli.hpp"
#include "services/PickupDocuments.hpp"

namespace reemploi::app {

using namespace reemploi::inventory;

namespace {

Result<std::string> onePositional(const Args &args, const std::string &usage) {
    if (args.positionals().size() != 1) return makeError(Errc::InvalidInput, "usage: reemploi " + usage);
    return args.positionals()[0];
}

std::vector<std::string> splitList(const std::string &text) {
    std::vector<std::string> out;
    std::string item;
    for (char c : text + ",") {
        if (c == ',') {
            if (!item.empty()) out.push_back(item);
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    return out;
}

std::string joined(const std::vector<std::string> &items) {
    std::string out;
    for (const auto &i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

json::Object toJson(const Programme &p) {
    json::Array levels;
    for (const auto &l : p.levels) levels.add(l);
    return json::Object()
        .set("name", p.name)
        .set("from", p.startsOn)
        .set("to", p.endsOn)
        .raw("levels", levels.str())
        .set("mode", toString(p.mode))
        .set("rules", p.rules);
}

json::Object toJson(const Loan &l) {
    json::Object o;
    o.set("unit", l.unitTag).set("need", l.needRef).set("site", l.siteCode).set("out_at", l.outAt).set("due", l.dueOn);
    if (l.returnedAt) o.set("returned_at", *l.returnedAt);
    else o.null("returned_at");
    return o.set("days_overdue", l.daysOverdue);
}

json::Object toJson(const Kit &k) {
    return json::Object()
        .set("tag", k.tag)
        .set("kind", toString(k.kind))
        .set("imei", k.imei)
        .set("iccid", k.iccid)
        .set("operator", k.operatorName)
        .set("plan_ends_on", k.planEndsOn)
        .set("status", toString(k.status))
        .set("need", k.needRef);
}

json::Object toJson(const Site &s) {
    return json::Object()
        .set("code", s.code)
        .set("name", s.name)
        .set("address", s.address)
        .set("hours", s.hours)
        .set("contact", s.contact);
}

// --- levels and programmes ---

int cmdLevelList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto levels = listLevels(**db);
    if (!levels) return ctx.fail(levels.error());
    json::Array out;
    for (const auto &l : *levels) {
        if (ctx.json) out.add(json::Object().set("code", l.code).set("label", l.label));
        else ctx.out << l.code << "  " << l.label << '\n';
    }
    if (ctx.json) ctx.out << out.str() << '\n';
    return 0;
}

int cmdLevelAdd(Context &ctx, const Args &args) {
    auto code = onePositional(args, "level add CODE [--label TEXT]");
    if (!code) return ctx.fail(code.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto level = addLevel(**db, {*code, args.option("label").value_or("")}, ctx.actor);
    if (!level) return ctx.fail(level.error());
    if (ctx.json) ctx.out << json::Object().set("code", level->code).set("label", level->label).str() << '\n';
    else ctx.out << "level " << level->code << " added\n";
    return 0;
}

int cmdProgrammeAdd(Context &ctx, const Args &args) {
    auto name = onePositional(args, "programme add NAME --levels L1,L2 [--from DATE] [--to DATE] [--lent] [--rules FILE]");
    if (!name) return ctx.fail(name.error());
    auto levels = args.required("levels");
    if (!levels) return ctx.fail(levels.error());
    Programme p;
    p.name = *name;
    p.levels = splitList(*levels);
    p.startsOn = args.option("from").value_or("");
    p.endsOn = args.option("to").value_or("");
    p.mode = args.flag("lent") ? ProgrammeMode::Lent : ProgrammeMode::Given;
    if (auto path = args.option("rules")) {
        auto text = file::readRegularFile(*path, 1'000'000);
        if (!text) return ctx.fail(text.error().withContext("rules"));
        p.rules = *text;
    }
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto saved = saveProgramme(**db, p, ctx.actor);
    if (!saved) return ctx.fail(saved.error());
    if (ctx.json) ctx.out << toJson(*saved).str() << '\n';
    else ctx.out << "programme " << saved->name << " saved (" << joined(saved->levels) << ", " << toString(saved->mode) << ")\n";
    return 0;
}

int cmdProgrammeList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto all = listProgrammes(**db);
    if (!all) return ctx.fail(all.error());
    json::Array out;
    for (const auto &p : *all) {
        if (ctx.json) out.add(toJson(p));
        else
            ctx.out << p.name << "  " << joined(p.levels) << "  " << toString(p.mode)
                    << (p.startsOn.empty() && p.endsOn.empty() ? "" : "  " + p.startsOn + ".." + p.endsOn) << '\n';
    }
    if (ctx.json) ctx.out << out.str() << '\n';
    return 0;
}

int cmdProgrammeShow(Context &ctx, const Args &args) {
    auto name = onePositional(args, "programme show NAME");
    if (!name) return ctx.fail(name.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto p = getProgramme(**db, *name);
    if (!p) return ctx.fail(p.error());
    if (ctx.json) {
        ctx.out << toJson(*p).str() << '\n';
        return 0;
    }
    ctx.out << "name    " << p->name << "\nperiod  " << (p->startsOn.empty() ? "-" : p->startsOn) << " .. "
            << (p->endsOn.empty() ? "-" : p->endsOn) << "\nlevels  " << joined(p->levels) << "\nmode    "
            << toString(p->mode) << "\nrules\n" << (p->rules.empty() ? "  (the defaults)\n" : p->rules);
    if (!p->rules.empty() && p->rules.back() != '\n') ctx.out << '\n';
    return 0;
}

// --- structures ---

int cmdStructureAdd(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi structure add --kind KIND --name NAME [--uai UAI] ..."));
    auto kind = args.required("kind");
    if (!kind) return ctx.fail(kind.error());
    auto name = args.required("name");
    if (!name) return ctx.fail(name.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto s = addStructure(**db, {*kind, args.option("uai").value_or(""), *name, args.option("town").value_or(""),
                                 args.option("contact").value_or("")},
                          ctx.actor);
    if (!s) return ctx.fail(s.error());
    if (ctx.json) ctx.out << json::Object().set("id", s->uai).set("kind", s->kind).set("name", s->name).str() << '\n';
    else ctx.out << s->uai << "  " << s->name << " (" << s->kind << ")\n";
    return 0;
}

int cmdStructureSetSite(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi structure set-site UAI|ID SITE (\"\" clears it)"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    if (auto ok = setStructureSite(**db, args.positionals()[0], args.positionals()[1], ctx.actor); !ok)
        return ctx.fail(ok.error());
    if (!ctx.json) ctx.out << args.positionals()[0] << ": usual site " << args.positionals()[1] << '\n';
    else ctx.out << json::Object().set("structure", args.positionals()[0]).set("site", args.positionals()[1]).str() << '\n';
    return 0;
}

// --- loans ---

int printLoan(Context &ctx, const Loan &l, const std::string &what) {
    if (ctx.json) ctx.out << toJson(l).str() << '\n';
    else ctx.out << l.unitTag << ' ' << what << " (" << l.needRef << ", due " << l.dueOn << ")\n";
    return 0;
}

int cmdLoanOut(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "loan out TAG --need REF --due DATE [--site SITE]");
    if (!tag) return ctx.fail(tag.error());
    auto need = args.required("need");
    if (!need) return ctx.fail(need.error());
    auto due = args.required("due");
    if (!due) return ctx.fail(due.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto loan = lendUnit(**db, *tag, *need, *due, args.option("site").value_or(""), ctx.actor);
    if (!loan) return ctx.fail(loan.error());
    return printLoan(ctx, *loan, "lent");
}

int cmdLoanReturn(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "loan return TAG");
    if (!tag) return ctx.fail(tag.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto loan = returnLoan(**db, *tag, ctx.actor);
    if (!loan) return ctx.fail(loan.error());
    if (ctx.json) return printLoan(ctx, *loan, "");
    ctx.out << loan->unitTag << " returned: diagnose and wipe it again before it goes to anyone else\n";
    return 0;
}

int cmdLoanExtend(Context &ctx, const Args &args) {
    auto tag = onePositional(args, "loan extend TAG --due DATE");
    if (!tag) return ctx.fail(tag.error());
    auto due = args.required("due");
    if (!due) return ctx.fail(due.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto loan = extendLoan(**db, *tag, *due, ctx.actor);
    if (!loan) return ctx.fail(loan.error());
    return printLoan(ctx, *loan, "loan extended");
}

int cmdLoanList(Context &ctx, const Args &args) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto loans = listLoans(**db, args.flag("overdue"), args.option("on").value_or(""), !args.flag("all"));
    if (!loans) return ctx.fail(loans.error());
    json::Array out;
    for (const auto &l : *loans) {
        if (ctx.json) out.add(toJson(l));
        else
            ctx.out << l.unitTag << "  " << l.needRef << "  due " << l.dueOn
                    << (l.returnedAt ? "  returned " + l.returnedAt->substr(0, 10)
                                     : l.daysOverdue ? "  overdue by " + std::to_string(l.daysOverdue) + " day(s)" : "")
                    << (l.siteCode.empty() ? "" : "  at " + l.siteCode) << '\n';
    }
    if (ctx.json) ctx.out << out.str() << '\n';
    return 0;
}

// --- kits ---

int cmdKitAdd(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi kit add --kind 4g-key|sim|hotspot ..."));
    auto kindText = args.required("kind");
    if (!kindText) return ctx.fail(kindText.error());
    auto kind = parseKitKind(*kindText);
    if (!kind) return ctx.fail(kind.error());
    NewKit k{*kind, args.option("imei").value_or(""), args.option("iccid").value_or(""),
             args.option("operator").value_or(""), args.option("plan-end").value_or("")};
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto kit = addKit(**db, k, ctx.actor);
    if (!kit) return ctx.fail(kit.error());
    if (ctx.json) ctx.out << toJson(*kit).str() << '\n';
    else ctx.out << kit->tag << "  " << toString(kit->kind) << " registered\n";
    return 0;
}

int cmdKitList(Context &ctx, const Args &args) {
    auto within = args.integer("plan-ending-within");
    if (!within) return ctx.fail(within.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto kits = listKits(**db, *within);
    if (!kits) return ctx.fail(kits.error());
    json::Array out;
    for (const auto &k : *kits) {
        if (ctx.json) out.add(toJson(k));
        else
            ctx.out << k.tag << "  " << toString(k.kind) << "  " << (k.imei.empty() ? k.iccid : k.imei) << "  "
                    << (k.operatorName.empty() ? "-" : k.operatorName) << "  plan ends "
                    << (k.planEndsOn.empty() ? "-" : k.planEndsOn) << "  [" << toString(k.status) << "]"
                    << (k.needRef.empty() ? "" : "  " + k.needRef) << '\n';
    }
    if (ctx.json) ctx.out << out.str() << '\n';
    return 0;
}

int cmdKitSetStatus(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi kit set-status TAG delivered|returned|in_stock|expired"));
    auto status = parseKitStatus(args.positionals()[1]);
    if (!status) return ctx.fail(status.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto kit = setKitStatus(**db, args.positionals()[0], *status, ctx.actor);
    if (!kit) return ctx.fail(kit.error());
    if (ctx.json) ctx.out << toJson(*kit).str() << '\n';
    else ctx.out << kit->tag << " is " << toString(kit->status) << '\n';
    return 0;
}

// --- sites ---

int cmdSiteImport(Context &ctx, const Args &args) {
    auto path = onePositional(args, "site import FILE [--dry-run] [--max-size MB]");
    if (!path) return ctx.fail(path.error());
    intake::SchoolDataOptions options{args.flag("dry-run")};
    auto maxSize = args.megabytes("max-size", options.maxBytes);
    if (!maxSize) return ctx.fail(maxSize.error());
    options.maxBytes = *maxSize;
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto r = intake::importSitesFile(**db, *path, options, ctx.actor);
    if (!r) return ctx.fail(r.error());
    if (ctx.json) {
        ctx.out << r->json() << '\n';
    } else {
        for (const auto &e : r->errors) ctx.err << "reemploi: " << e.text() << '\n';
        if (!r->succeeded()) ctx.err << "reemploi: " << r->errorsTotal << " error(s) in " << r->rows << " rows: nothing imported\n";
        else if (r->dryRun) ctx.out << r->rows << " rows checked, all valid (dry run: nothing written)\n";
        else ctx.out << r->created << " sites created" << (r->updated ? ", " + std::to_string(r->updated) + " updated" : "") << '\n';
    }
    return r->succeeded() ? 0 : 2;
}

int cmdSiteList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto sites = listSites(**db);
    if (!sites) return ctx.fail(sites.error());
    json::Array out;
    for (const auto &s : *sites) {
        if (ctx.json) out.add(toJson(s));
        else ctx.out << s.code << "  " << s.name << (s.address.empty() ? "" : "  " + s.address)
                     << (s.hours.empty() ? "" : "  (" + s.hours + ")") << '\n';
    }
    if (ctx.json) ctx.out << out.str() << '\n';
    return 0;
}

int cmdSitePickupList(Context &ctx, const Args &args) {
    std::vector<std::string> words;
    std::optional<std::string> output = args.option("output");
    const auto &all = args.positionals();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i] == "-o" && i + 1 < all.size()) output = all[++i];
        else words.push_back(all[i]);
    }
    if (words.size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi site pickup-list SITE --format pdf|csv -o FILE"));
    if (!output) return ctx.fail(makeError(Errc::InvalidInput, "missing -o FILE (- for standard output)"));
    auto format = args.required("format");
    if (!format) return ctx.fail(format.error());
    if (*format != "pdf" && *format != "csv")
        return ctx.fail(makeError(Errc::InvalidInput, "--format: '" + *format + "' is not pdf or csv"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto list = pickupList(**db, words[0], ctx.actor);
    if (!list) return ctx.fail(list.error());
    std::string bytes;
    if (*format == "csv") {
        bytes = pickupCsv(*list);
    } else {
        auto pdf = pickupPdf(*list, nowUtc().substr(0, 16));
        if (!pdf) return ctx.fail(pdf.error());
        bytes = std::move(*pdf);
    }
    if (*output == "-") {
        ctx.out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        ctx.out.flush();
        return 0;
    }
    {
        std::ofstream file(*output, std::ios::binary | std::ios::trunc);
        file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!file.flush()) return ctx.fail(makeError(Errc::Io, "cannot write " + *output));
    }
    if (ctx.json)
        ctx.out << json::Object().set("site", list->site.code).set("file", *output).set("lines", static_cast<std::int64_t>(list->lines.size())).str() << '\n';
    else if (!ctx.quiet)
        ctx.out << *output << ": " << list->lines.size() << " line(s) for site " << list->site.code << '\n';
    return 0;
}

int cmdSiteHandover(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "usage: reemploi site handover SITE TAG"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto h = recordHandover(**db, args.positionals()[0], args.positionals()[1], ctx.actor);
    if (!h) return ctx.fail(h.error());
    if (ctx.json) ctx.out << json::Object().set("tag", h->tag).set("need", h->needRef).set("site", h->siteCode).str() << '\n';
    else ctx.out << h->tag << " handed over to " << h->needRef << " at " << h->siteCode << '\n';
    return 0;
}

}  // namespace

void registerProgrammeCommands(CommandRegistry &r) {
    r.add({"level list", "", "list the levels programmes may serve", {}, cmdLevelList});
    r.add({"level add", "CODE [--label TEXT]", "add a level (admin)", {}, cmdLevelAdd});
    r.add({"programme add", "NAME --levels L1,L2 [--from DATE] [--to DATE] [--lent] [--rules FILE]",
           "create or replace a programme: levels served, period, units given (or --lent), allocation rules",
           {"lent"}, cmdProgrammeAdd});
    r.add({"programme list", "", "list the programmes", {}, cmdProgrammeList});
    r.add({"programme show", "NAME", "a programme and its allocation rules", {}, cmdProgrammeShow});
    r.add({"structure add", "--kind KIND --name NAME [--uai UAI] [--town TOWN] [--contact TEXT]",
           "register a structure (lycée, university with their UAI; social centre, town hall… get S-NNNNNN)", {},
           cmdStructureAdd});
    r.add({"structure set-site", "UAI|ID SITE", "name a school's or structure's usual distribution site", {},
           cmdStructureSetSite});
    r.add({"loan out", "TAG --need REF --due DATE [--site SITE]", "lend a unit to a need of a lending programme", {},
           cmdLoanOut});
    r.add({"loan return", "TAG", "a lent unit came back: -> returned (diagnose and wipe it again)", {}, cmdLoanReturn});
    r.add({"loan extend", "TAG --due DATE", "give a loan a later due date", {}, cmdLoanExtend});
    r.add({"loan list", "[--overdue] [--on DATE] [--all]", "open loans (--overdue: past their due date; --all: returned too)",
           {"overdue", "all"}, cmdLoanList});
    r.add({"kit add", "--kind 4g-key|sim|hotspot [--imei N] [--iccid N] [--operator NAME] [--plan-end DATE]",
           "register a connectivity kit", {}, cmdKitAdd});
    r.add({"kit list", "[--plan-ending-within DAYS]", "list kits (or those whose plan ends soon)", {}, cmdKitList});
    r.add({"kit set-status", "TAG delivered|returned|in_stock|expired", "move a kit through its lifecycle", {},
           cmdKitSetStatus});
    r.add({"site import", "FILE [--dry-run] [--max-size MB]", "import distribution sites from a CSV (all or nothing)",
           {"dry-run"}, cmdSiteImport});
    r.add({"site list", "", "list the distribution sites", {}, cmdSiteList});
    r.add({"site pickup-list", "SITE --format pdf|csv -o|--output FILE",
           "the site's pick-up list after 'allocate confirm': tags, kinds, models and need references", {},
           cmdSitePickupList});
    r.add({"site handover", "SITE TAG", "the unit (or kit) was handed over at the site: delivered", {}, cmdSiteHandover});
}

}  // namespace reemploi::app
