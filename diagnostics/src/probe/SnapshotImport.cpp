// From a probe snapshot to the unit's measured values.
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>

namespace reemploi::diagnostics::probe {

inventory::MachineFacts machineFacts(const Snapshot &s) {
    using inventory::MediumType;
    using inventory::UnitKind;
    inventory::MachineFacts f;
    if (s.machine.kind == "laptop") f.kind = UnitKind::Laptop;
    else if (s.machine.kind == "desktop") f.kind = UnitKind::Desktop;
    f.make = s.machine.vendor;
    f.model = s.machine.model;
    f.serial = s.machine.serial;
    f.cpu = s.cpu.model;
    f.ramMib = s.memory.totalMib;
    if (auto health = s.batteryHealthPercent()) f.batteryHealthPercent = *health;
    f.screenInches = s.internalScreenInches();
    for (const auto &d : s.disks) {
        if (d.removable || d.transport == "usb" || d.transport == "sd") continue;
        inventory::MeasuredMedium m;
        if (d.transport == "nvme") m.type = MediumType::Nvme;
        else if (d.transport == "emmc") m.type = MediumType::Emmc;
        else m.type = d.rotational ? MediumType::Hdd : MediumType::Ssd;
        m.model = d.model;
        m.serial = d.serial;
        if (d.sizeBytes > 0) m.capacityBytes = d.sizeBytes;
        f.media.push_back(std::move(m));
    }
    Snapshot evidence = s;
    for (auto &n : evidence.network) n.mac.clear();  // a family's device must not be traceable on a network from the trail
    f.evidenceJson = snapshotJson(evidence);
    return f;
}

Result<inventory::MachineMeasurement> importSnapshot(inventory::Database &db, std::string_view snapshotJsonText,
                                                     const std::optional<std::string> &tag,
                                                     const inventory::Actor &actor) {
    auto snapshot = parseSnapshotJson(snapshotJsonText);
    if (!snapshot) return snapshot.error();
    return inventory::recordMachineFacts(db, tag, machineFacts(*snapshot), actor);
}

}  // namespace reemploi::diagnostics::probe
