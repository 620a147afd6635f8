// The snapshot's JSON, written canonically and read back (schema: docs/probe-snapshot.md).
#include <reemploi/diagnostics/probe/Snapshot.hpp>

#include <Poco/JSON/Parser.h>

#include <reemploi/common/Json.hpp>

namespace reemploi::diagnostics::probe {

namespace {

json::Object optionalText(json::Object o, const std::string &key, const std::string &value) {
    if (value.empty()) o.null(key);
    else o.set(key, value);
    return o;
}

}  // namespace

std::string snapshotJson(const Snapshot &s) {
    json::Object machine;
    machine.set("vendor", s.machine.vendor).set("product", s.machine.product).set("version", s.machine.version);
    machine.set("model", s.machine.model).set("kind", s.machine.kind).set("chassis_type", s.machine.chassisType);
    machine = optionalText(machine, "serial", s.machine.serial);
    machine = optionalText(machine, "bios_date", s.machine.biosDate);

    json::Object cpu;
    cpu.set("model", s.cpu.model).set("cores", s.cpu.cores).set("threads", s.cpu.threads);

    json::Array modules;
    for (const auto &m : s.memory.modules) {
        json::Object o;
        o.set("locator", m.locator).set("bank_locator", m.bankLocator).set("size_mib", m.sizeMib).set("type", m.type);
        o.set("speed_mts", m.speedMts).set("manufacturer", m.manufacturer).set("part_number", m.partNumber);
        modules.add(o);
    }
    json::Object memory;
    memory.set("total_mib", s.memory.totalMib).set("kernel_total_kib", s.memory.kernelTotalKib);
    memory = optionalText(memory, "source", s.memory.source);
    memory.raw("modules", modules.str());

    json::Array batteries;
    for (const auto &b : s.batteries) {
        json::Object o;
        o.set("name", b.name).set("manufacturer", b.manufacturer).set("model", b.model).set("technology", b.technology);
        o.set("status", b.status).set("unit", b.unit).set("design_capacity", b.designCapacity);
        o.set("full_capacity", b.fullCapacity).set("cycle_count", b.cycleCount).set("health_percent", b.healthPercent);
        o.set("health", b.healthPercent ? std::to_string(*b.healthPercent) + " %" : std::string("not measured"));
        batteries.add(o);
    }
    json::Array screens;
    for (const auto &sc : s.screens) {
        json::Object o;
        o.set("connector", sc.connector).set("internal", sc.internal).set("manufacturer", sc.manufacturer);
        o.set("name", sc.name).set("product_code", unsigned(sc.productCode)).set("width_mm", unsigned(sc.widthMm));
        o.set("height_mm", unsigned(sc.heightMm)).set("diagonal_inches", sc.diagonalInches);
        o.set("native_width", unsigned(sc.nativeWidth)).set("native_height", unsigned(sc.nativeHeight));
        screens.add(o);
    }
    json::Array network;
    for (const auto &n : s.network) network.add(json::Object().set("name", n.name).set("mac", n.mac).set("kind", n.kind));
    json::Array disks;
    for (const auto &d : s.disks) {
        json::Object o;
        o.set("name", d.name).set("model", d.model).set("firmware", d.firmware).set("size_bytes", d.sizeBytes);
        o.set("rotational", d.rotational).set("removable", d.removable).set("transport", d.transport);
        o = optionalText(o, "serial", d.serial);
        if (d.health) {
            const auto &h = *d.health;
            json::Object health;
            health.set("available", h.available).set("healthy", h.healthy).set("power_on_hours", h.powerOnHours);
            health.set("reallocated", h.reallocated).set("pending", h.pending).set("uncorrectable", h.uncorrectable);
            health.set("wear_percent_left", h.wearPercentLeft);
            health = optionalText(health, "unavailable_why", h.unavailableWhy);
            o.set("health", health);
        } else {
            o.null("health");
        }
        disks.add(o);
    }
    json::Array unavailable;
    for (const auto &u : s.unavailable) unavailable.add(u);
    json::Array wipes;
    for (const auto &w : s.wipes) {
        json::Object o;
        o.set("disk", w.disk).set("vendor", w.vendor).set("model", w.model).set("serial", w.serial);
        o.set("firmware", w.firmware).set("media_type", w.mediaType).set("size_bytes", w.sizeBytes);
        o.set("sector_size", w.sectorSize).set("hidden_area", w.hiddenArea).set("method", w.method).set("level", w.level);
        json::Array passes;
        for (const auto &p : w.passes) passes.add(p);
        o.raw("passes", passes.str()).set("verification", w.verification).set("verification_result", w.verificationResult);
        o.set("bytes_verified", w.bytesVerified).set("sample_subsections", w.sampleSubsections).set("result", w.result);
        o.set("started_at", w.startedAt).set("ended_at", w.endedAt).set("duration_seconds", w.durationSeconds);
        o.set("bytes_written", w.bytesWritten).set("throughput_mb_s", w.throughputMBps).set("last_lba", w.lastLba);
        json::Array errors;
        for (const auto &e : w.errors) errors.add(json::Object().set("lba", e.lba).set("message", e.message));
        o.raw("errors", errors.str()).set("failure", w.failure).set("operator", w.operatorName);
        o = optionalText(o, "certificate", w.certificate);
        o = optionalText(o, "signature", w.signature);
        wipes.add(o);
    }

    json::Object root;
    root.set("schema_version", s.schemaVersion).set("probed_at", s.probedAt).set("machine", machine).set("cpu", cpu);
    root.set("memory", memory).raw("batteries", batteries.str()).raw("screens", screens.str());
    root.raw("network", network.str()).raw("disks", disks.str()).raw("unavailable", unavailable.str());
    if (s.schemaVersion >= 2) root.raw("wipes", wipes.str());
    return root.str();
}

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Readers that name the member at fault ("disks[1].size_bytes: not a number").
struct Reader {
    std::string error;

    std::string text(const Object::Ptr &o, const std::string &key, const std::string &where) {
        if (!o || !o->has(key) || o->isNull(key)) return {};
        auto v = o->get(key);
        if (!v.isString()) {
            fail(where + key + ": not a string");
            return {};
        }
        return v.extract<std::string>();
    }
    template <class T>
    std::optional<T> integer(const Object::Ptr &o, const std::string &key, const std::string &where) {
        if (!o || !o->has(key) || o->isNull(key)) return std::nullopt;
        auto v = o->get(key);
        if (!v.isInteger()) {
            fail(where + key + ": not a whole number");
            return std::nullopt;
        }
        return static_cast<T>(v.convert<std::int64_t>());
    }
    std::optional<double> real(const Object::Ptr &o, const std::string &key, const std::string &where) {
        if (!o || !o->has(key) || o->isNull(key)) return std::nullopt;
        auto v = o->get(key);
        if (!v.isNumeric()) {
            fail(where + key + ": not a number");
            return std::nullopt;
        }
        return v.convert<double>();
    }
    bool boolean(const Object::Ptr &o, const std::string &key, const std::string &where) {
        if (!o || !o->has(key) || o->isNull(key)) return false;
        auto v = o->get(key);
        if (!v.isBoolean()) {
            fail(where + key + ": not true or false");
            return false;
        }
        return v.extract<bool>();
    }
    Object::Ptr object(const Object::Ptr &o, const std::string &key) {
        if (!o || !o->has(key) || o->isNull(key)) return nullptr;
        auto p = o->getObject(key);
        if (!p) fail(key + ": not an object");
        return p;
    }
    Array::Ptr array(const Object::Ptr &o, const std::string &key) {
        if (!o || !o->has(key) || o->isNull(key)) return nullptr;
        auto p = o->getArray(key);
        if (!p) fail(key + ": not an array");
        return p;
    }
    void fail(std::string message) {
        if (error.empty()) error = "snapshot: " + std::move(message);
    }
    // Calls each(element, "WHEREkey[i].") for the objects of the array at `key` (none when absent),
    // until one is not an object (named) or an error is recorded.
    template <class F>
    void objects(const Object::Ptr &o, const std::string &key, const std::string &where, F &&each) {
        auto list = array(o, key);
        if (!list) return;
        for (std::size_t i = 0; i < list->size() && error.empty(); ++i) {
            auto element = list->getObject(static_cast<unsigned>(i));
            std::string at = where + key + "[" + std::to_string(i) + "].";
            if (!element) return fail(at + ": not an object");
            each(element, at);
        }
    }
};

}  // namespace

Result<Snapshot> parseSnapshotJson(std::string_view text) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(std::string(text));
    } catch (const Poco::Exception &e) {
        return makeError(Errc::InvalidInput, "snapshot: not JSON: " + e.displayText());
    }
    Object::Ptr root;
    try {
        root = parsed.extract<Object::Ptr>();
    } catch (...) {
        return makeError(Errc::InvalidInput, "snapshot: not a JSON object");
    }
    Reader r;
    Snapshot s;
    auto version = r.integer<int>(root, "schema_version", "");
    if (!version) return makeError(Errc::InvalidInput, "snapshot: no schema_version (is this a reemploi probe snapshot?)");
    if (*version < kOldestSnapshotSchemaVersion || *version > kSnapshotSchemaVersion)
        return makeError(Errc::InvalidInput, "snapshot: schema_version " + std::to_string(*version) + " is not " +
                                                 std::to_string(kOldestSnapshotSchemaVersion) + " to " +
                                                 std::to_string(kSnapshotSchemaVersion) + ", the versions this reemploi reads");
    s.schemaVersion = *version;
    s.probedAt = r.text(root, "probed_at", "");
    auto m = r.object(root, "machine");
    if (!m && r.error.empty()) return makeError(Errc::InvalidInput, "snapshot: no machine");
    s.machine.vendor = r.text(m, "vendor", "machine.");
    s.machine.product = r.text(m, "product", "machine.");
    s.machine.version = r.text(m, "version", "machine.");
    s.machine.model = r.text(m, "model", "machine.");
    s.machine.serial = r.text(m, "serial", "machine.");
    s.machine.kind = r.text(m, "kind", "machine.");
    s.machine.chassisType = r.integer<int>(m, "chassis_type", "machine.");
    s.machine.biosDate = r.text(m, "bios_date", "machine.");
    if (auto c = r.object(root, "cpu")) {
        s.cpu.model = r.text(c, "model", "cpu.");
        s.cpu.cores = r.integer<int>(c, "cores", "cpu.").value_or(0);
        s.cpu.threads = r.integer<int>(c, "threads", "cpu.").value_or(0);
    }
    if (auto mem = r.object(root, "memory")) {
        s.memory.totalMib = r.integer<std::int64_t>(mem, "total_mib", "memory.");
        s.memory.kernelTotalKib = r.integer<std::int64_t>(mem, "kernel_total_kib", "memory.");
        s.memory.source = r.text(mem, "source", "memory.");
        r.objects(mem, "modules", "memory.", [&](const Object::Ptr &o, const std::string &at) {
            MemoryModule mm;
            mm.locator = r.text(o, "locator", at);
            mm.bankLocator = r.text(o, "bank_locator", at);
            mm.sizeMib = r.integer<std::int64_t>(o, "size_mib", at).value_or(0);
            mm.type = r.text(o, "type", at);
            mm.speedMts = r.integer<int>(o, "speed_mts", at);
            mm.manufacturer = r.text(o, "manufacturer", at);
            mm.partNumber = r.text(o, "part_number", at);
            s.memory.modules.push_back(std::move(mm));
        });
    }
    r.objects(root, "batteries", "", [&](const Object::Ptr &o, const std::string &at) {
        Battery b;
        b.name = r.text(o, "name", at);
        b.manufacturer = r.text(o, "manufacturer", at);
        b.model = r.text(o, "model", at);
        b.technology = r.text(o, "technology", at);
        b.status = r.text(o, "status", at);
        b.unit = r.text(o, "unit", at);
        b.designCapacity = r.integer<std::int64_t>(o, "design_capacity", at);
        b.fullCapacity = r.integer<std::int64_t>(o, "full_capacity", at);
        b.cycleCount = r.integer<int>(o, "cycle_count", at);
        b.healthPercent = r.integer<int>(o, "health_percent", at);
        if (b.healthPercent && (*b.healthPercent < 0 || *b.healthPercent > 100))
            r.fail(at + "health_percent: " + std::to_string(*b.healthPercent) + " is not between 0 and 100");
        s.batteries.push_back(std::move(b));
    });
    r.objects(root, "screens", "", [&](const Object::Ptr &o, const std::string &at) {
        Screen sc;
        sc.connector = r.text(o, "connector", at);
        sc.internal = r.boolean(o, "internal", at);
        sc.manufacturer = r.text(o, "manufacturer", at);
        sc.name = r.text(o, "name", at);
        sc.productCode = r.integer<std::uint16_t>(o, "product_code", at).value_or(0);
        sc.widthMm = r.integer<std::uint16_t>(o, "width_mm", at).value_or(0);
        sc.heightMm = r.integer<std::uint16_t>(o, "height_mm", at).value_or(0);
        sc.diagonalInches = r.real(o, "diagonal_inches", at);
        sc.nativeWidth = r.integer<std::uint16_t>(o, "native_width", at).value_or(0);
        sc.nativeHeight = r.integer<std::uint16_t>(o, "native_height", at).value_or(0);
        s.screens.push_back(std::move(sc));
    });
    r.objects(root, "network", "", [&](const Object::Ptr &o, const std::string &at) {
        s.network.push_back({r.text(o, "name", at), r.text(o, "mac", at), r.text(o, "kind", at)});
    });
    r.objects(root, "disks", "", [&](const Object::Ptr &o, const std::string &at) {
        Disk d;
        d.name = r.text(o, "name", at);
        d.model = r.text(o, "model", at);
        d.serial = r.text(o, "serial", at);
        d.firmware = r.text(o, "firmware", at);
        d.sizeBytes = r.integer<std::int64_t>(o, "size_bytes", at).value_or(0);
        d.rotational = r.boolean(o, "rotational", at);
        d.removable = r.boolean(o, "removable", at);
        d.transport = r.text(o, "transport", at);
        if (d.sizeBytes < 0) r.fail(at + "size_bytes: negative");
        if (auto h = r.object(o, "health")) {
            std::string hat = at + "health.";
            DiskHealth health;
            health.available = r.boolean(h, "available", hat);
            health.unavailableWhy = r.text(h, "unavailable_why", hat);
            if (h->has("healthy") && !h->isNull("healthy")) health.healthy = r.boolean(h, "healthy", hat);
            health.powerOnHours = r.integer<std::uint64_t>(h, "power_on_hours", hat);
            health.reallocated = r.integer<std::uint64_t>(h, "reallocated", hat);
            health.pending = r.integer<std::uint64_t>(h, "pending", hat);
            health.uncorrectable = r.integer<std::uint64_t>(h, "uncorrectable", hat);
            health.wearPercentLeft = r.integer<int>(h, "wear_percent_left", hat);
            d.health = std::move(health);
        }
        s.disks.push_back(std::move(d));
    });
    if (auto list = r.array(root, "unavailable"))
        for (std::size_t i = 0; i < list->size(); ++i) s.unavailable.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    if (*version < 2 && root->has("wipes")) r.fail("wipes: not in schema_version 1 (a stick's wipes come with version 2)");
    r.objects(root, "wipes", "", [&](const Object::Ptr &o, const std::string &at) {
        InPlaceWipe w;
        w.disk = r.text(o, "disk", at);
        w.vendor = r.text(o, "vendor", at);
        w.model = r.text(o, "model", at);
        w.serial = r.text(o, "serial", at);
        w.firmware = r.text(o, "firmware", at);
        w.mediaType = r.text(o, "media_type", at);
        w.sizeBytes = r.integer<std::int64_t>(o, "size_bytes", at).value_or(0);
        w.sectorSize = r.integer<std::int64_t>(o, "sector_size", at).value_or(512);
        w.hiddenArea = r.text(o, "hidden_area", at);
        w.method = r.text(o, "method", at);
        w.level = r.text(o, "level", at);
        if (auto passes = r.array(o, "passes"))
            for (std::size_t p = 0; p < passes->size(); ++p) {
                auto v = passes->get(static_cast<unsigned>(p));
                if (!v.isString()) { r.fail(at + "passes[" + std::to_string(p) + "]: not a string"); break; }
                w.passes.push_back(v.extract<std::string>());
            }
        w.verification = r.text(o, "verification", at);
        w.verificationResult = r.text(o, "verification_result", at);
        w.bytesVerified = r.integer<std::int64_t>(o, "bytes_verified", at).value_or(0);
        w.sampleSubsections = r.integer<std::int64_t>(o, "sample_subsections", at).value_or(0);
        w.result = r.text(o, "result", at);
        w.startedAt = r.text(o, "started_at", at);
        w.endedAt = r.text(o, "ended_at", at);
        w.durationSeconds = r.real(o, "duration_seconds", at).value_or(0);
        w.bytesWritten = r.integer<std::int64_t>(o, "bytes_written", at).value_or(0);
        w.throughputMBps = r.real(o, "throughput_mb_s", at).value_or(0);
        w.lastLba = r.integer<std::int64_t>(o, "last_lba", at);
        r.objects(o, "errors", at, [&](const Object::Ptr &eo, const std::string &eat) {
            auto lba = r.integer<std::int64_t>(eo, "lba", eat).value_or(0);
            if (lba < 0) r.fail(eat + "lba: negative");
            w.errors.push_back({static_cast<std::uint64_t>(lba), r.text(eo, "message", eat)});
        });
        w.failure = r.text(o, "failure", at);
        w.operatorName = r.text(o, "operator", at);
        w.certificate = r.text(o, "certificate", at);
        w.signature = r.text(o, "signature", at);
        if (w.sizeBytes < 0 || w.bytesWritten < 0 || w.bytesVerified < 0 || w.sampleSubsections < 0 ||
            (w.lastLba && *w.lastLba < 0) || w.sectorSize <= 0)
            r.fail(at + ": a size, count or LBA is negative");
        s.wipes.push_back(std::move(w));
    });
    if (!r.error.empty()) return makeError(Errc::InvalidInput, r.error);
    return s;
}

void keepEarlierWipes(Snapshot &snapshot, std::string_view earlierJson) {
    auto earlier = parseSnapshotJson(earlierJson);
    if (!earlier) return;
    const auto &a = earlier->machine, &b = snapshot.machine;
    if (a.vendor == b.vendor && a.product == b.product && a.serial == b.serial) snapshot.wipes = earlier->wipes;
}

}  // namespace reemploi::diagnostics::probe
