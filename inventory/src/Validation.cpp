// Text fields' rules: clean UTF-8, no control characters, bounded lengths, family references
// that are codes and not names.
#include <reemploi/inventory/Validation.hpp>

#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/Identity.hpp>

namespace reemploi::inventory {

namespace {

void add(std::vector<FieldProblem> &out, const char *field, Status status) {
    if (!status) out.push_back({field, status.error()});
}

}  // namespace

Status checkLine(std::string_view value, std::string_view field, std::size_t maxChars) {
    return text::checkUtf8Text(text::trimView(value), field, maxChars, false);
}

Status checkNotes(std::string_view value, std::string_view field, std::size_t maxChars) {
    return text::checkUtf8Text(value, field, maxChars, true);
}

std::vector<FieldProblem> checkUnitText(const NewUnit &u) {
    std::vector<FieldProblem> out;
    std::string serial = cleanSerial(u.serial);
    if (serial.empty()) out.push_back({"serial", makeError(Errc::InvalidInput, "serial: empty")});
    else add(out, "serial", checkLine(serial, "serial", kMaxSerialChars));
    add(out, "make", checkLine(u.make, "make", kMaxNameChars));
    add(out, "model", checkLine(u.model, "model", kMaxNameChars));
    add(out, "donor_tag", checkLine(u.donorTag, "donor tag", kMaxNameChars));
    add(out, "cpu", checkLine(u.specs.cpu, "cpu", kMaxNameChars));
    add(out, "os", checkLine(u.specs.os, "os", kMaxNameChars));
    add(out, "keyboard", checkLine(u.specs.keyboardLayout, "keyboard", kMaxNameChars));
    add(out, "location", checkLine(u.location, "location", kMaxNameChars));
    add(out, "notes", checkNotes(u.notes, "notes"));
    for (const auto &m : u.storage) {
        auto st = checkMediumText(m);
        if (!st) {
            out.push_back({"storage", st.error()});
            break;
        }
    }
    return out;
}

Status checkMediumText(const NewMedium &m) {
    REEMPLOI_TRY(checkLine(m.model, "storage model", kMaxNameChars));
    REEMPLOI_TRY(checkLine(m.serial, "storage serial", kMaxSerialChars));
    if (m.capacityBytes && *m.capacityBytes <= 0)
        return makeError(Errc::InvalidInput, "storage capacity: must be positive");
    return {};
}

std::vector<FieldProblem> checkPatchText(const UnitPatch &p) {
    std::vector<FieldProblem> out;
    if (p.serial) {
        std::string serial = cleanSerial(*p.serial);
        if (serial.empty()) out.push_back({"serial", makeError(Errc::InvalidInput, "serial: empty")});
        else add(out, "serial", checkLine(serial, "serial", kMaxSerialChars));
    }
    if (p.make) add(out, "make", checkLine(*p.make, "make", kMaxNameChars));
    if (p.model) add(out, "model", checkLine(*p.model, "model", kMaxNameChars));
    if (p.donorTag) add(out, "donor_tag", checkLine(*p.donorTag, "donor tag", kMaxNameChars));
    if (p.cpu) add(out, "cpu", checkLine(*p.cpu, "cpu", kMaxNameChars));
    if (p.os) add(out, "os", checkLine(*p.os, "os", kMaxNameChars));
    if (p.keyboardLayout) add(out, "keyboard", checkLine(*p.keyboardLayout, "keyboard", kMaxNameChars));
    if (p.location) add(out, "location", checkLine(*p.location, "location", kMaxNameChars));
    if (p.site) add(out, "site", checkLine(*p.site, "site", kMaxNameChars));
    if (p.notes) add(out, "notes", checkNotes(*p.notes, "notes"));
    return out;
}

Status checkDonorText(std::string_view name, std::string_view email) {
    REEMPLOI_TRY(checkLine(name, "donor name", kMaxNameChars));
    REEMPLOI_TRY(checkLine(email, "donor e-mail", kMaxEmailChars));
    return {};
}

Status checkDonationText(std::string_view site, std::string_view notes) {
    REEMPLOI_TRY(checkLine(site, "site", kMaxNameChars));
    REEMPLOI_TRY(checkNotes(notes, "notes"));
    return {};
}

std::vector<FieldProblem> checkSchoolText(const NewSchool &s) {
    std::vector<FieldProblem> out;
    add(out, "name", checkLine(s.name, "school name", kMaxNameChars));
    add(out, "town", checkLine(s.town, "town", kMaxNameChars));
    add(out, "district", checkLine(s.district, "district", kMaxNameChars));
    add(out, "contact", checkLine(s.contact, "contact", kMaxNameChars));
    return out;
}

Status checkFamilyRef(std::string_view ref) {
    std::string_view code = text::trimView(ref);
    if (code.empty()) return makeError(Errc::InvalidInput, "family reference is empty");
    bool ok = code.size() <= kMaxFamilyRefChars;
    for (char c : code)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '/');
    // The value is not repeated: it may be the very name or address that must not be stored.
    if (!ok)
        return makeError(Errc::InvalidInput,
                         "family reference must be a short code chosen by the school (letters, digits, - _ /, at "
                         "most 32), not a name or an address");
    return {};
}

std::vector<FieldProblem> checkNeedText(const NewNeed &n) {
    std::vector<FieldProblem> out;
    add(out, "family", checkFamilyRef(n.family));
    add(out, "accessibility", checkNotes(n.accessibility, "accessibility", 1'000));
    for (const auto &flag : n.priorityFlags) {
        auto st = checkLine(flag, "priority", 64);
        if (!st) {
            out.push_back({"priority", st.error()});
            break;
        }
    }
    return out;
}

}  // namespace reemploi::inventory
