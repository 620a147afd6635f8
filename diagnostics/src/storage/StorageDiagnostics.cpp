// Storage diagnostics: identity from the target, the surface read test.
#include <reemploi/diagnostics/storage/StorageDiagnostics.hpp>

#include <algorithm>

#include <reemploi/common/Json.hpp>

namespace reemploi::diagnostics::storage {

using Clock = std::chrono::steady_clock;

SurfaceScan surfaceScan(BlockTarget &target, const SurfaceOptions &options) {
    const auto &info = target.info();
    const std::uint32_t ss = info.logicalSectorSize;
    const std::size_t align = target.alignment();
    const std::size_t chunk = std::max<std::size_t>(options.chunkBytes / align * align, align);
    AlignedBuffer buf(chunk, align);
    SurfaceScan scan;
    auto start = Clock::now(), last = start;
    WipeProgress p;
    p.phase = "surface";
    p.bytesTotal = info.sizeBytes;

    auto fatal = [](const Error &e) { return e.message.find("disconnected") != std::string::npos; };
    for (std::uint64_t at = 0; at < info.sizeBytes;) {
        if (options.cancel && options.cancel->cancelled()) {
            scan.interrupted = true;
            break;
        }
        std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, info.sizeBytes - at));
        auto st = target.read(at, buf.span(len));
        if (!st) {
            if (fatal(st.error())) {
                scan.stoppedBy = st.error().message;
                break;
            }
            for (std::size_t s = 0; s < len; s += ss) {
                std::size_t n = std::min<std::size_t>(ss, len - s);
                auto one = target.read(at + s, buf.span(n));
                if (one) continue;
                if (fatal(one.error())) {
                    scan.stoppedBy = one.error().message;
                    break;
                }
                ++scan.unreadableCount;
                if (scan.unreadableLbas.size() < options.maxListed) scan.unreadableLbas.push_back((at + s) / ss);
            }
            if (!scan.stoppedBy.empty()) break;
        }
        at += len;
        scan.bytesRead = at;
        if (options.onProgress && Clock::now() - last >= options.progressInterval) {
            last = Clock::now();
            double secs = std::chrono::duration<double>(last - start).count();
            p.bytesDone = at;
            p.percent = 100.0 * static_cast<double>(at) / static_cast<double>(info.sizeBytes);
            p.mbPerSecond = secs > 0 ? at / secs / 1e6 : 0;
            if (p.mbPerSecond > 0) p.etaSeconds = (info.sizeBytes - at) / (p.mbPerSecond * 1e6);
            options.onProgress(p);
        }
    }
    scan.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    scan.mbPerSecond = scan.seconds > 0 ? scan.bytesRead / scan.seconds / 1e6 : 0;
    return scan;
}

std::string toJson(const StorageReport &r) {
    const auto &i = r.info;
    json::Object o;
    o.set("path", i.path).set("kind", i.kind).set("capacity_bytes", i.sizeBytes);
    o.set("logical_sector_size", static_cast<std::uint64_t>(i.logicalSectorSize));
    o.set("physical_sector_size", static_cast<std::uint64_t>(i.physicalSectorSize));
    if (i.rotational) o.set("rotational", *i.rotational);
    else o.null("rotational");
    o.set("removable", i.removable).set("transport", i.transport).set("media_type", i.mediaType());
    o.set("vendor", i.vendor).set("model", i.model).set("serial", i.serial).set("firmware", i.firmware);
    json::Object smart;
    const auto &sm = r.smart;
    smart.set("available", sm.available);
    if (!sm.available) smart.set("unavailable_why", sm.unavailableWhy);
    if (sm.healthy) smart.set("healthy", *sm.healthy);
    else smart.null("healthy");
    auto opt = [&](const char *key, const std::optional<std::uint64_t> &v) {
        if (v) smart.set(key, *v);
        else smart.null(key);
    };
    opt("reallocated_sectors", sm.reallocated);
    opt("pending_sectors", sm.pending);
    opt("uncorrectable_sectors", sm.uncorrectable);
    opt("power_on_hours", sm.powerOnHours);
    if (sm.wearPercentLeft) smart.set("wear_percent_left", static_cast<std::uint64_t>(*sm.wearPercentLeft));
    else smart.null("wear_percent_left");
    json::Array attrs;
    for (const auto &a : sm.attributes) {
        json::Object ao;
        ao.set("id", static_cast<std::uint64_t>(a.id)).set("name", a.name);
        ao.set("current", static_cast<std::uint64_t>(a.current)).set("worst", static_cast<std::uint64_t>(a.worst));
        ao.set("raw", a.raw);
        attrs.add(ao);
    }
    smart.raw("attributes", attrs.str());
    o.set("smart", smart);
    o.set("hidden_area", r.hiddenArea);
    if (r.surface) {
        const auto &s = *r.surface;
        json::Object so;
        so.set("bytes_read", s.bytesRead).set("seconds", s.seconds).set("mb_s", s.mbPerSecond);
        so.set("unreadable_count", s.unreadableCount).set("interrupted", s.interrupted);
        json::Array lbas;
        for (auto l : s.unreadableLbas) lbas.add(static_cast<std::int64_t>(l));
        so.raw("unreadable_lbas", lbas.str());
        if (!s.stoppedBy.empty()) so.set("stopped_by", s.stoppedBy);
        o.set("surface", so);
    }
    return o.str();
}

}  // namespace reemploi::diagnostics::storage
