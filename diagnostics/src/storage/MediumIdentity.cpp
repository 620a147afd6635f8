// The identity rule between a wipe target and a unit's recorded media (MediumIdentity.hpp).
#include <reemploi/diagnostics/storage/MediumIdentity.hpp>

#include <string>

namespace reemploi::diagnostics::storage {

std::string_view toString(IdentityEvidence evidence) {
    switch (evidence) {
    case IdentityEvidence::Serial: return "serial";
    case IdentityEvidence::CapacityAndOperatorChoice: return "capacity+operator choice";
    case IdentityEvidence::NewMedium: return "new medium";
    }
    return "new medium";
}

bool capacityMatches(std::uint64_t targetBytes, std::int64_t recordedBytes) {
    if (recordedBytes <= 0 || targetBytes == 0) return false;
    // In integers: 20 * target >= 19 * recorded and 10 * target <= 11 * recorded (no overflow
    // below 400 PB).
    const auto t = static_cast<unsigned __int128>(targetBytes);
    const auto r = static_cast<unsigned __int128>(recordedBytes);
    return 20 * t >= 19 * r && 10 * t <= 11 * r;
}

std::string describeMedium(const inventory::StorageMedium &m) {
    std::string s = "#" + std::to_string(m.id) + " (" + std::string(inventory::toString(m.type));
    s += m.capacityBytes ? ", " + inventory::formatCapacity(*m.capacityBytes) : ", capacity not recorded";
    s += m.serial.empty() ? ", no serial" : ", serial " + m.serial;
    if (m.destroyed) s += ", destroyed";
    return s + ")";
}

namespace {

std::string targetSize(const TargetInfo &t) {
    return inventory::formatCapacity(static_cast<std::int64_t>(t.sizeBytes)) + " (" + std::to_string(t.sizeBytes) +
           " bytes)";
}

}  // namespace

Result<MediumMatch> matchMedium(const inventory::Unit &unit, const TargetInfo &target, const MediumChoice &choice) {
    MediumMatch match;
    // The unit's live medium already known by the target's serial, if any.
    const inventory::StorageMedium *bySerial = nullptr;
    if (!target.serial.empty())
        for (const auto &m : unit.storage)
            if (!m.destroyed && m.serial == target.serial) bySerial = &m;

    if (choice.mediumId) {
        const inventory::StorageMedium *chosen = nullptr;
        for (const auto &m : unit.storage)
            if (m.id == *choice.mediumId) chosen = &m;
        if (!chosen) {
            std::string media;
            for (const auto &m : unit.storage) media += (media.empty() ? "" : ", ") + describeMedium(m);
            return makeError(Errc::NotFound, "--medium " + std::to_string(*choice.mediumId) + ": not a storage medium of " +
                                                 unit.tag + " (" + (media.empty() ? "it has none recorded" : "its media: " + media) +
                                                 ")");
        }
        const std::string named = "--medium " + std::to_string(chosen->id);
        if (chosen->destroyed)
            return makeError(Errc::Refused, named + ": medium " + describeMedium(*chosen) + " was physically destroyed");
        if (!chosen->serial.empty() && !target.serial.empty()) {
            if (chosen->serial != target.serial)
                return makeError(Errc::Refused, named + ": medium #" + std::to_string(chosen->id) + " has serial " +
                                                    chosen->serial + " but " + target.path + " has serial " +
                                                    target.serial + ": not the same drive");
            match.medium = *chosen;
            match.evidence = IdentityEvidence::Serial;
            return match;
        }
        if (bySerial)
            return makeError(Errc::Refused, named + ": " + target.path + " has serial " + target.serial +
                                                ", recorded for medium " + describeMedium(*bySerial) + ", not for #" +
                                                std::to_string(chosen->id));
        if (!chosen->capacityBytes)
            return makeError(Errc::Refused, named + ": medium " + describeMedium(*chosen) +
                                                " records neither a serial nor a capacity, so nothing shows that " +
                                                target.path + " is that drive");
        if (!capacityMatches(target.sizeBytes, *chosen->capacityBytes))
            return makeError(Errc::Refused, named + ": medium #" + std::to_string(chosen->id) + " was recorded as " +
                                                inventory::formatCapacity(*chosen->capacityBytes) + " but " + target.path +
                                                " holds " + targetSize(target) + ": not the same drive");
        match.medium = *chosen;
        match.evidence = IdentityEvidence::CapacityAndOperatorChoice;
        return match;
    }

    if (bySerial) {
        if (choice.newMedium)
            return makeError(Errc::Refused, "--medium new: " + target.path + " has serial " + target.serial +
                                                ", already recorded as medium " + describeMedium(*bySerial) +
                                                " (leave --medium out, or give --medium " +
                                                std::to_string(bySerial->id) + ")");
        match.medium = *bySerial;
        match.evidence = IdentityEvidence::Serial;
        return match;
    }
    match.evidence = IdentityEvidence::NewMedium;
    if (!choice.newMedium)
        for (const auto &m : unit.storage)
            if (!m.destroyed && (m.serial.empty() || target.serial.empty()) && m.capacityBytes &&
                capacityMatches(target.sizeBytes, *m.capacityBytes))
                match.candidates.push_back(m);
    return match;
}

}  // namespace reemploi::diagnostics::storage
