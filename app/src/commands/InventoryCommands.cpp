// Commands over the inventory: init, status, donors, donations, units, lifecycle, audit.
#include <charconv>
#include <cstdint>
#include <iomanip>
#include <iostream>

#include <reemploi/common/File.hpp>
#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/Accessories.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Views.hpp>

#include "cli/Cli.hpp"
#include "cli/Output.hpp"

namespace reemploi::app {

using namespace reemploi::inventory;

namespace {

Result<std::int64_t> requiredId(const Args &args, const std::string &name) {
    auto id = args.integer(name);
    if (!id) return id.error();
    if (!*id) return makeError(Errc::InvalidInput, "missing --" + name);
    if (**id <= 0) return makeError(Errc::InvalidInput, "--" + name + ": ids are positive");
    return **id;
}

std::string oneTag(const Args &args, const std::string &usage, Error *error) {
    if (args.positionals().size() != 1) {
        *error = makeError(Errc::InvalidInput, "expected one unit tag: reemploi " + usage);
        return {};
    }
    return args.positionals()[0];
}

void printUnit(Context &ctx, const Unit &u) {
    if (ctx.json) {
        ctx.out << toJson(u).str() << '\n';
        return;
    }
    auto &o = ctx.out;
    o << u.tag << "  " << toString(u.kind) << "  " << u.make << ' ' << u.model << "  [" << toString(u.status) << "]\n";
    o << "  serial        " << u.serial << '\n';
    if (!u.donorTag.empty()) o << "  donor tag     " << u.donorTag << '\n';
    o << "  donation      " << u.donationId << '\n';
    if (!u.specs.cpu.empty()) o << "  cpu           " << u.specs.cpu << '\n';
    if (u.specs.ramMib) o << "  ram           " << *u.specs.ramMib << " MiB\n";
    if (u.specs.screenInches) o << "  screen        " << *u.specs.screenInches << "\"\n";
    if (!u.specs.keyboardLayout.empty()) o << "  keyboard      " << u.specs.keyboardLayout << '\n';
    if (u.specs.batteryHealthPercent) o << "  battery       " << *u.specs.batteryHealthPercent << "%\n";
    if (!u.specs.os.empty()) o << "  os            " << u.specs.os << '\n';
    o << "  grade         " << (u.grade ? std::string(toString(*u.grade)) : "-") << '\n';
    if (!u.location.empty()) o << "  location      " << u.location << '\n';
    for (const auto &m : u.storage) {
        o << "  storage #" << m.id << "    " << toString(m.type);
        if (m.capacityBytes) o << ' ' << formatBytes(*m.capacityBytes);
        if (!m.model.empty()) o << ' ' << m.model;
        if (!m.serial.empty()) o << " (serial " << m.serial << ')';
        if (m.destroyed) o << " DESTROYED";
        o << '\n';
    }
    if (!u.notes.empty()) o << "  notes         " << u.notes << '\n';
}

// "ssd:256G", "hdd:500GB:ST500LM012:WCC0123" → a medium.
Result<NewMedium> parseStorage(const std::string &text) {
    NewMedium m;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == ':') {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    auto type = parseMediumType(parts[0]);
    if (!type) return type.error().withContext("--storage " + text);
    m.type = *type;
    if (parts.size() > 1 && !parts[1].empty()) {
        auto bytes = parseBytes(parts[1]);
        if (!bytes) return bytes.error().withContext("--storage " + text);
        m.capacityBytes = *bytes;
    }
    if (parts.size() > 2) m.model = parts[2];
    if (parts.size() > 3) m.serial = parts[3];
    if (parts.size() > 4) return makeError(Errc::InvalidInput, "--storage " + text + ": expected TYPE[:CAPACITY[:MODEL[:SERIAL]]]");
    return m;
}

// Options shared by `unit add` (all fields) and `unit set` (a patch).
struct UnitFields {
    std::optional<std::int64_t> ramMib, battery;
    std::optional<double> screen;
    std::optional<Grade> grade;
};

Result<UnitFields> parseUnitFields(const Args &args) {
    UnitFields f;
    auto ram = args.integer("ram-mib");
    if (!ram) return ram.error();
    f.ramMib = *ram;
    auto battery = args.integer("battery");
    if (!battery) return battery.error();
    f.battery = *battery;
    auto screen = args.decimal("screen-inches");
    if (!screen) return screen.error();
    f.screen = *screen;
    if (auto g = args.option("grade")) {
        auto grade = parseGrade(*g);
        if (!grade) return grade.error();
        f.grade = *grade;
    }
    return f;
}

int cmdInit(Context &ctx, const Args &) {
    auto db = ctx.rawDb();
    if (!db) return ctx.fail(db.error());
    auto report = migrate(**db);
    if (!report) return ctx.fail(report.error());
    if (ctx.json) {
        ctx.out << json::Object().set("database", inventory::redactLocation(ctx.dbPath)).set("from", report->from).set("to", report->to).str() << '\n';
    } else if (report->from == report->to) {
        ctx.out << "database " << inventory::redactLocation(ctx.dbPath) << " is up to date (schema " << report->to << ")\n";
    } else {
        ctx.out << "database " << inventory::redactLocation(ctx.dbPath) << " migrated from schema " << report->from << " to " << report->to << '\n';
    }
    return 0;
}

int cmdStatus(Context &ctx, const Args &args) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto stock = stockSummary(**db, args.option("site"));
    if (!stock) return ctx.fail(stock.error());
    if (ctx.json) {
        ctx.out << toJson(*stock).set("database", inventory::redactLocation(ctx.dbPath)).str() << '\n';
        return 0;
    }
    ctx.out << "reemploi " << REEMPLOI_VERSION << " — " << inventory::redactLocation(ctx.dbPath) << '\n'
            << stock->donors << " donors, " << stock->units << " units\n";
    for (const auto &[status, n] : stock->byStatus) {
        ctx.out << "  " << std::left << std::setw(10) << toString(status) << ' ' << std::setw(5) << n;
        std::string kinds;
        for (const auto &[key, count] : stock->byStatusAndKind)
            if (key.first == status)
                kinds += (kinds.empty() ? "" : ", ") + std::to_string(count) + ' ' + std::string(toString(key.second));
        ctx.out << "(" << kinds << ")\n";
    }
    ctx.out << "See 'reemploi --help' for the commands.\n";
    return 0;
}

int cmdDonorAdd(Context &ctx, const Args &args) {
    NewDonor d;
    auto name = args.required("name");
    if (!name) return ctx.fail(name.error());
    d.name = *name;
    auto kind = parseDonorKind(args.option("kind").value_or("company"));
    if (!kind) return ctx.fail(kind.error());
    d.kind = *kind;
    d.email = args.option("email").value_or("");
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto donor = addDonor(**db, d, ctx.actor);
    if (!donor) return ctx.fail(donor.error());
    if (ctx.json) ctx.out << toJson(*donor).str() << '\n';
    else ctx.out << "donor " << donor->id << " " << donor->name << " (" << toString(donor->kind) << ")\n";
    return 0;
}

int cmdDonorList(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto donors = listDonors(**db);
    if (!donors) return ctx.fail(donors.error());
    json::Array all;
    for (const auto &d : *donors) {
        if (ctx.json) all.add(toJson(d));
        else ctx.out << d.id << "  " << d.name << "  " << toString(d.kind) << "  " << d.email << '\n';
    }
    if (ctx.json) ctx.out << all.str() << '\n';
    return 0;
}

int cmdDonationAdd(Context &ctx, const Args &args) {
    NewDonation d;
    auto donor = requiredId(args, "donor");
    if (!donor) return ctx.fail(donor.error());
    d.donorId = *donor;
    auto received = args.required("received");
    if (!received) return ctx.fail(received.error());
    d.received = *received;
    d.site = args.option("site").value_or("");
    d.notes = args.option("notes").value_or("");
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto donation = addDonation(**db, d, ctx.actor);
    if (!donation) return ctx.fail(donation.error());
    if (ctx.json) ctx.out << toJson(*donation).str() << '\n';
    else ctx.out << "donation " << donation->id << " from donor " << donation->donorId << ", received " << donation->received << '\n';
    return 0;
}

int cmdDonationList(Context &ctx, const Args &args) {
    auto donor = args.integer("donor");
    if (!donor) return ctx.fail(donor.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto donations = listDonations(**db, *donor);
    if (!donations) return ctx.fail(donations.error());
    json::Array all;
    for (const auto &d : *donations) {
        if (ctx.json) all.add(toJson(d));
        else ctx.out << d.id << "  donor " << d.donorId << "  " << d.received << "  " << d.site << '\n';
    }
    if (ctx.json) ctx.out << all.str() << '\n';
    return 0;
}

int cmdUnitAdd(Context &ctx, const Args &args) {
    NewUnit u;
    auto donation = requiredId(args, "donation");
    if (!donation) return ctx.fail(donation.error());
    u.donationId = *donation;
    auto kind = parseUnitKind(args.option("kind").value_or(""));
    if (!args.option("kind")) return ctx.fail(makeError(Errc::InvalidInput, "missing --kind"));
    if (!kind) return ctx.fail(kind.error());
    u.kind = *kind;
    auto serial = args.required("serial");
    if (!serial) return ctx.fail(serial.error());
    u.serial = *serial;  // as typed or scanned: the inventory cleans it and unifies the make
    u.make = args.option("make").value_or("");
    u.model = args.option("model").value_or("");
    u.donorTag = args.option("donor-tag").value_or("");
    u.specs.cpu = args.option("cpu").value_or("");
    u.specs.keyboardLayout = args.option("keyboard").value_or("");
    u.specs.os = args.option("os").value_or("");
    u.location = args.option("location").value_or("");
    u.notes = args.option("notes").value_or("");
    auto fields = parseUnitFields(args);
    if (!fields) return ctx.fail(fields.error());
    u.specs.ramMib = fields->ramMib;
    u.specs.batteryHealthPercent = fields->battery;
    u.specs.screenInches = fields->screen;
    u.grade = fields->grade;
    for (const auto &s : args.options("storage")) {
        auto medium = parseStorage(s);
        if (!medium) return ctx.fail(medium.error());
        u.storage.push_back(*medium);
    }
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = addUnit(**db, u, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    printUnit(ctx, *unit);
    return 0;
}

int cmdUnitShow(Context &ctx, const Args &args) {
    Error e;
    auto tag = oneTag(args, "unit show TAG", &e);
    if (tag.empty()) return ctx.fail(e);
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto detail = unitDetail(**db, tag);
    if (!detail) return ctx.fail(detail.error());
    if (ctx.json) {
        ctx.out << toJson(*detail).str() << '\n';
        return 0;
    }
    printUnit(ctx, detail->unit);
    auto &o = ctx.out;
    const auto &media = detail->media;
    o << "  wipe          ";
    if (!media.hasMedia)
        o << "no storage\n";
    else if (media.allSanitized)
        o << "every medium sanitized" << (media.lastPassedAt.empty() ? "" : ", last " + media.lastPassedAt) << '\n';
    else if (media.firstPending)
        o << "storage #" << media.firstPending->id << (media.anyFailed ? " failed its last wipe" : " to wipe") << '\n';
    else
        o << "to wipe\n";
    for (const auto &r : detail->sanitization) {
        o << "  sanitization  storage #" << r.mediumId << "  " << r.method << "  " << toString(r.level) << "  "
          << toString(r.result) << "  " << (r.endedAt.empty() ? r.startedAt : r.endedAt);
        if (!r.certificateId.empty()) o << "  certificate " << r.certificateId;
        o << '\n';
    }
    if (detail->unit.attachedTo) o << "  attached to   " << *detail->unit.attachedTo << '\n';
    for (const auto &a : detail->accessories) {
        std::string what = a.make + (a.make.empty() || a.model.empty() ? "" : " ") + a.model;
        o << "  accessory     " << a.tag << "  " << toString(a.kind) << (what.empty() ? "" : "  " + what) << "  ["
          << toString(a.status) << "]\n";
    }
    o << "  next          ";
    for (std::size_t i = 0; i < detail->nextStatuses.size(); ++i) o << (i ? ", " : "") << toString(detail->nextStatuses[i]);
    o << '\n';
    o << "  history\n";
    for (const auto &ev : detail->history) o << "    " << ev.at << "  " << ev.action << "  " << ev.actor << '\n';
    return 0;
}

int cmdUnitList(Context &ctx, const Args &args) {
    UnitFilter filter;
    if (auto s = args.option("status")) {
        auto status = parseUnitStatus(*s);
        if (!status) return ctx.fail(status.error());
        filter.status = *status;
    }
    if (auto k = args.option("kind")) {
        auto kind = parseUnitKind(*k);
        if (!kind) return ctx.fail(kind.error());
        filter.kind = *kind;
    }
    auto donation = args.integer("donation");
    if (!donation) return ctx.fail(donation.error());
    filter.donationId = *donation;
    filter.site = args.option("site");
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto units = listUnits(**db, filter);
    if (!units) return ctx.fail(units.error());
    if (ctx.json) {
        json::Array all;
        for (const auto &u : *units) all.add(toJson(u));
        ctx.out << all.str() << '\n';
        return 0;
    }
    for (const auto &u : *units)
        ctx.out << u.tag << "  " << std::left << std::setw(9) << toString(u.status) << ' ' << std::setw(8)
                << toString(u.kind) << ' ' << u.make << ' ' << u.model << "  " << u.serial << '\n';
    if (!ctx.quiet) ctx.err << units->size() << " unit(s)\n";
    return 0;
}

int cmdUnitSetStatus(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "expected: reemploi unit set-status TAG STATUS --reason R"));
    auto status = parseUnitStatus(args.positionals()[1]);
    if (!status) return ctx.fail(status.error());
    auto reason = args.required("reason");
    if (!reason) return ctx.fail(reason.error());
    auto receipt = args.option("recycler-receipt");
    if (receipt && *status != UnitStatus::Recycled)
        return ctx.fail(makeError(Errc::InvalidInput, "--recycler-receipt goes with the status recycled, not " +
                                                          std::string(toString(*status))));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = *status == UnitStatus::Recycled ? recycleUnit(**db, args.positionals()[0], *reason, receipt, ctx.actor)
                                                : setStatus(**db, args.positionals()[0], *status, *reason, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    if (ctx.json) ctx.out << toJson(*unit).str() << '\n';
    else ctx.out << unit->tag << " is now " << toString(unit->status) << '\n';
    return 0;
}

int cmdUnitRecyclerReceipt(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "expected: reemploi unit recycler-receipt TAG REFERENCE"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = setRecyclerReceipt(**db, args.positionals()[0], args.positionals()[1], ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    if (ctx.json) ctx.out << toJson(*unit).str() << '\n';
    else ctx.out << unit->tag << ": recycler's receipt " << text::trim(args.positionals()[1]) << " recorded\n";
    return 0;
}

int cmdUnitSet(Context &ctx, const Args &args) {
    Error e;
    auto tag = oneTag(args, "unit set TAG [--grade G] [--ram-mib N] …", &e);
    if (tag.empty()) return ctx.fail(e);
    UnitPatch patch;
    patch.make = args.option("make");
    patch.model = args.option("model");
    patch.serial = args.option("serial");
    patch.donorTag = args.option("donor-tag");
    patch.location = args.option("location");
    patch.notes = args.option("notes");
    patch.site = args.option("site");
    patch.cpu = args.option("cpu");
    patch.keyboardLayout = args.option("keyboard");
    patch.os = args.option("os");
    auto fields = parseUnitFields(args);
    if (!fields) return ctx.fail(fields.error());
    patch.ramMib = fields->ramMib;
    patch.batteryHealthPercent = fields->battery;
    patch.screenInches = fields->screen;
    patch.grade = fields->grade;
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto unit = updateUnit(**db, tag, patch, ctx.actor);
    if (!unit) return ctx.fail(unit.error());
    printUnit(ctx, *unit);
    return 0;
}

int cmdUnitAddStorage(Context &ctx, const Args &args) {
    if (args.positionals().size() != 2)
        return ctx.fail(makeError(Errc::InvalidInput, "expected: reemploi unit add-storage TAG TYPE[:CAPACITY[:MODEL[:SERIAL]]]"));
    auto medium = parseStorage(args.positionals()[1]);
    if (!medium) return ctx.fail(medium.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto m = addMedium(**db, args.positionals()[0], *medium, ctx.actor);
    if (!m) return ctx.fail(m.error());
    if (ctx.json) ctx.out << toJson(*m).str() << '\n';
    else ctx.out << "storage #" << m->id << " added to " << args.positionals()[0] << '\n';
    return 0;
}

int cmdUnitDestroyStorage(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "expected: reemploi unit destroy-storage MEDIUM_ID --how H"));
    std::int64_t id = 0;
    const auto &text = args.positionals()[0];
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        return ctx.fail(makeError(Errc::InvalidInput, "medium id: '" + text + "' is not a number"));
    auto how = args.required("how");
    if (!how) return ctx.fail(how.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto m = markMediumDestroyed(**db, id, *how, ctx.actor);
    if (!m) return ctx.fail(m.error());
    if (ctx.json) ctx.out << toJson(*m).str() << '\n';
    else ctx.out << "storage #" << m->id << " recorded as destroyed\n";
    return 0;
}

int cmdUnitDeclareStorage(Context &ctx, const Args &args) {
    const std::string usage = "expected: reemploi unit declare-storage TAG --removed|--absent --reason R";
    if (args.positionals().size() != 1) return ctx.fail(makeError(Errc::InvalidInput, usage));
    if (args.flag("removed") == args.flag("absent"))
        return ctx.fail(makeError(Errc::InvalidInput, "say either --removed (the drive was taken out) or --absent "
                                                      "(none was ever fitted): " + usage));
    auto reason = args.required("reason");
    if (!reason) return ctx.fail(reason.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto kind = args.flag("removed") ? StorageAbsence::Removed : StorageAbsence::Absent;
    auto declared = declareStorage(**db, args.positionals()[0], kind, *reason, ctx.actor);
    if (!declared) return ctx.fail(declared.error());
    if (ctx.json)
        ctx.out << json::Object()
                       .set("unit", args.positionals()[0])
                       .set("storage", toString(declared->kind))
                       .set("reason", declared->reason)
                       .str()
                << '\n';
    else ctx.out << args.positionals()[0] << ": storage declared " << toString(declared->kind) << '\n';
    return 0;
}

// "yes"/"no" (oui/non) for a check's option, naming the option otherwise.
Result<bool> yesNo(const std::string &value, const std::string &option) {
    std::string v = text::trim(value);
    for (auto &c : v) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (v == "yes" || v == "oui" || v == "y") return true;
    if (v == "no" || v == "non" || v == "n") return false;
    return makeFieldError(Errc::InvalidInput, option, "--" + option + ": '" + value + "' is not yes or no");
}

int cmdUnitCheck(Context &ctx, const Args &args) {
    const std::string usage = "expected: reemploi unit check TAG --test-page yes|no (a printer) | --works yes|no (an accessory) [--notes N]";
    if (args.positionals().size() != 1) return ctx.fail(makeError(Errc::InvalidInput, usage));
    auto page = args.option("test-page");
    auto works = args.option("works");
    if (bool(page) == bool(works)) return ctx.fail(makeError(Errc::InvalidInput, usage));
    auto passed = page ? yesNo(*page, "test-page") : yesNo(*works, "works");
    if (!passed) return ctx.fail(passed.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    const std::string &tag = args.positionals()[0];
    // The option must be the unit's own check: a printer prints a test page, an accessory works.
    auto unit = getUnit(**db, tag);
    if (!unit) return ctx.fail(unit.error());
    if (page && unit->kind != UnitKind::Printer && !checkOf(unit->kind).empty())
        return ctx.fail(makeFieldError(Errc::InvalidInput, "test-page",
                                       "--test-page is a printer's check: " + tag + " is a " +
                                           std::string(toString(unit->kind)) + " (use --works yes|no)"));
    if (works && unit->kind == UnitKind::Printer)
        return ctx.fail(makeFieldError(Errc::InvalidInput, "works",
                                       "--works is an accessory's check: " + tag + " is a printer (use --test-page yes|no)"));
    auto checked = recordUnitCheck(**db, tag, *passed, args.option("notes").value_or(""), ctx.actor);
    if (!checked) return ctx.fail(checked.error());
    if (ctx.json) ctx.out << toJson(*checked).str() << '\n';
    else ctx.out << tag << ": " << (page ? "test page printed: " : "works: ") << (*passed ? "yes" : "no") << " → "
                 << toString(checked->status) << '\n';
    return 0;
}

int cmdUnitAttach(Context &ctx, const Args &args) {
    auto to = args.option("to");
    if (args.positionals().size() != 1 || !to)
        return ctx.fail(makeError(Errc::InvalidInput, "expected: reemploi unit attach ACCESSORY_TAG --to TAG"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto attached = attachAccessory(**db, args.positionals()[0], *to, ctx.actor);
    if (!attached) return ctx.fail(attached.error());
    if (ctx.json) ctx.out << json::Object().set("accessory", attached->tag).set("attached_to", attached->attachedTo).str() << '\n';
    else ctx.out << attached->tag << " (" << toString(attached->kind) << ") attached to " << *to << '\n';
    return 0;
}

int cmdUnitDetach(Context &ctx, const Args &args) {
    Error e;
    auto tag = oneTag(args, "unit detach ACCESSORY_TAG", &e);
    if (tag.empty()) return ctx.fail(e);
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto detached = detachAccessory(**db, tag, ctx.actor);
    if (!detached) return ctx.fail(detached.error());
    std::string from = detached->attachedTo.value_or("");
    if (ctx.json) ctx.out << json::Object().set("accessory", detached->tag).set("detached_from", from).str() << '\n';
    else ctx.out << detached->tag << " detached from " << from << '\n';
    return 0;
}

int cmdUnitFactoryReset(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput,
                                  "expected: reemploi unit factory-reset TAG [--medium ID] --checked-setup-screen"));
    FactoryReset reset;
    auto medium = args.integer("medium");
    if (!medium) return ctx.fail(medium.error());
    reset.mediumId = *medium;
    reset.checkedSetupScreen = args.flag("checked-setup-screen");
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto record = recordFactoryReset(**db, args.positionals()[0], reset, ctx.actor);
    if (!record) return ctx.fail(record.error());
    if (ctx.json) ctx.out << toJson(*record).str() << '\n';
    else ctx.out << args.positionals()[0] << ": factory reset recorded for storage #" << record->mediumId << " (clear)\n";
    return 0;
}

int cmdAuditVerify(Context &ctx, const Args &args) {
    AuditCheck check;
    check.replay = !args.flag("no-replay");
    for (const auto &text : args.options("anchor")) {
        auto anchor = parseAnchor(text);
        if (!anchor) return ctx.fail(anchor.error().withContext("--anchor"));
        check.anchors.push_back(*anchor);
    }
    if (auto path = args.option("anchors")) {
        auto text = file::readRegularFile(*path, 16 * 1024 * 1024);
        if (!text) return ctx.fail(text.error());
        auto anchors = parseAnchors(*text);
        if (!anchors) return ctx.fail(anchors.error().withContext(*path));
        check.anchors.insert(check.anchors.end(), anchors->begin(), anchors->end());
    }
    if (auto path = args.option("against")) {
        auto text = file::readRegularFile(*path, std::uint64_t(64) * 1024 * 1024 * 1024);
        if (!text) return ctx.fail(text.error());
        auto anchors = anchorsFromExport(*text);
        if (!anchors) return ctx.fail(anchors.error().withContext(*path));
        check.anchors.insert(check.anchors.end(), anchors->begin(), anchors->end());
    }
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto report = verifyAudit(**db, check);
    if (!report) return ctx.fail(report.error());
    if (ctx.json) {
        ctx.out << toJson(*report).str() << '\n';
        return report->ok() ? 0 : 1;
    }
    const auto &chain = report->chain;
    if (chain.firstBrokenId) {
        ctx.out << "audit chain BROKEN at event " << *chain.firstBrokenId << ": " << chain.problem << " ("
                << chain.checked << " events before it are intact)\n";
        return 1;
    }
    ctx.out << "audit chain intact: " << chain.checked << " events verified";
    if (chain.redacted) ctx.out << " (" << chain.redacted << " with their payload redacted, each recorded by a purge)";
    if (report->anchorsChecked || !check.anchors.empty())
        ctx.out << ", " << check.anchors.size() << (check.anchors.size() == 1 ? " anchor" : " anchors");
    ctx.out << '\n';
    if (report->anchorProblem) ctx.out << "anchor NOT HELD: " << *report->anchorProblem << '\n';
    if (report->replayed) {
        if (report->disagreement) ctx.out << "the tables DISAGREE with the trail: " << *report->disagreement << '\n';
        else ctx.out << "replay: every unit, medium, sanitization record, school and need agrees with the trail\n";
    }
    return report->ok() ? 0 : 1;
}

int cmdAuditExport(Context &ctx, const Args &args) {
    auto since = args.integer("since");
    if (!since) return ctx.fail(since.error());
    if (since->value_or(0) < 0) return ctx.fail(makeError(Errc::InvalidInput, "--since: event ids are positive"));
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto n = exportEvents(**db, since->value_or(0), [&](const std::string &line) { ctx.out << line << '\n'; });
    if (!n) return ctx.fail(n.error());
    return 0;
}

int cmdAuditHead(Context &ctx, const Args &) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto head = chainHead(**db);
    if (!head) return ctx.fail(head.error());
    if (ctx.json) ctx.out << toJson(*head).str() << '\n';
    else ctx.out << head->id << ':' << head->hash << "  " << head->at << '\n';
    return 0;
}

int cmdAuditLog(Context &ctx, const Args &args) {
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    std::string entity, id;
    if (!args.positionals().empty()) {
        id = args.positionals()[0];
        entity = args.option("entity").value_or("unit");
    }
    auto events = listEvents(**db, entity, id);
    if (!events) return ctx.fail(events.error());
    json::Array all;
    for (const auto &e : *events) {
        if (ctx.json) all.add(toJson(e));
        else ctx.out << e.id << "  " << e.at << "  " << e.actor << "  " << e.entity << ' ' << e.entityId << "  " << e.action
                     << "  " << e.payload << '\n';
    }
    if (ctx.json) ctx.out << all.str() << '\n';
    return 0;
}

}  // namespace

void registerInventoryCommands(CommandRegistry &r) {
    r.add({"init", "", "create the database or bring it to the latest schema (idempotent)", {}, cmdInit});
    r.add({"status", "[--site S]", "what the stock holds, by status (one workshop's with --site)", {}, cmdStatus});
    r.add({"donor add", "--name N [--kind company|administration|association|individual] [--email E]",
           "register a donor", {}, cmdDonorAdd});
    r.add({"donor list", "", "list donors", {}, cmdDonorList});
    r.add({"donation add", "--donor ID --received YYYY-MM-DD [--site S] [--notes N]", "register a donation", {},
           cmdDonationAdd});
    r.add({"donation list", "[--donor ID]", "list donations", {}, cmdDonationList});
    r.add({"unit add",
           "--donation ID --kind laptop|desktop|tablet|phone|monitor|printer|charger|mouse|keyboard|cable|other --serial S [--make M] [--model M]"
           " [--donor-tag T] [--cpu C] [--ram-mib N] [--screen-inches X] [--keyboard L] [--battery PCT] [--os OS]"
           " [--grade A-D] [--location L] [--notes N] [--storage TYPE[:CAPACITY[:MODEL[:SERIAL]]]]...",
           "register a unit (the serial may be typed by a hand scanner)", {}, cmdUnitAdd});
    r.add({"unit show", "TAG", "a unit, its storage and its history", {}, cmdUnitShow});
    r.add({"unit list", "[--status S] [--donation ID] [--kind K] [--site S]", "list units (of one workshop with --site)", {}, cmdUnitList});
    r.add({"unit set", "TAG [--grade A-D] [--ram-mib N] [--battery PCT] [--location L] [--notes N] …",
           "edit a unit's fields", {}, cmdUnitSet});
    r.add({"unit set-status", "TAG STATUS --reason R [--recycler-receipt REF]",
           "move a unit through its lifecycle (rules checked; allocated/delivered only through allocate and delivery)",
           {}, cmdUnitSetStatus});
    r.add({"unit recycler-receipt", "TAG REFERENCE",
           "record the recycler's receipt reference of a recycled unit (shown in donors' reports)", {},
           cmdUnitRecyclerReceipt});
    r.add({"unit add-storage", "TAG TYPE[:CAPACITY[:MODEL[:SERIAL]]]", "add a storage medium to a unit", {},
           cmdUnitAddStorage});
    r.add({"unit destroy-storage", "MEDIUM_ID --how H", "record the physical destruction of a storage medium", {},
           cmdUnitDestroyStorage});
    r.add({"unit declare-storage", "TAG --removed|--absent --reason R",
           "declare that a unit holds no storage (drive removed, or none fitted), with a reason",
           {"removed", "absent"}, cmdUnitDeclareStorage});
    r.add({"unit check", "TAG --test-page yes|no | --works yes|no [--notes N]",
           "a printer's or an accessory's own check (test page printed, works): diagnosed, or to repair", {},
           cmdUnitCheck});
    r.add({"unit attach", "ACCESSORY_TAG --to TAG", "attach a charger, mouse, keyboard or cable to a unit (a working set)",
           {}, cmdUnitAttach});
    r.add({"unit detach", "ACCESSORY_TAG", "detach an accessory from its unit", {}, cmdUnitDetach});
    r.add({"unit factory-reset", "TAG [--medium ID] --checked-setup-screen",
           "record a tablet's or phone's factory reset as the sanitization of its internal flash",
           {"checked-setup-screen"}, cmdUnitFactoryReset});
    r.add({"audit export", "[--since ID]",
           "the events after ID as JSON lines, for a second machine to keep (audit verify --against FILE compares)",
           {}, cmdAuditExport});
    r.add({"audit verify", "[--anchor ID:HASH]... [--anchors FILE] [--against EXPORT] [--no-replay]",
           "walk the audit chain, check the anchors, replay the events against the tables; names the first fault",
           {"no-replay"}, cmdAuditVerify});
    r.add({"audit head", "", "the chain's last event: ID:HASH and its time (keep it outside the database)", {},
           cmdAuditHead});
    r.add({"audit log", "[TAG|ID [--entity unit|donor|donation|…]]", "print the audit trail", {}, cmdAuditLog});
}

}  // namespace reemploi::app
