// The rules every text field obeys, in one place: the services apply them (so the command line,
// the imports and the web API refuse the same things), and the imports call them per row to name
// the line and column. Values are checked as they will be stored: trimmed (notes as given), the
// serial cleaned as Identity.hpp says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::inventory {

// Limits, in characters (Unicode code points).
inline constexpr std::size_t kMaxSerialChars = 100;
inline constexpr std::size_t kMaxNameChars = 200;  // make, model, donor tag, cpu, os, keyboard, location, names…
inline constexpr std::size_t kMaxEmailChars = 254;
inline constexpr std::size_t kMaxNotesChars = 10'000;
inline constexpr std::size_t kMaxReasonChars = 1'000;  // a status change's reason, how a medium was destroyed
inline constexpr std::size_t kMaxFamilyRefChars = 32;

// One field that breaks a rule. `field` is the name the imports map columns to ("serial",
// "make", "model", "donor_tag", "cpu", "os", "keyboard", "location", "notes", "storage"; for
// schools "name", "town", "district", "contact"; for needs "family", "accessibility",
// "priority"); the error's message starts with the field as people read it.
struct FieldProblem {
    std::string field;
    Error error;
};

// A single-line field (trimmed first): clean UTF-8, no control character, at most `maxChars`.
Status checkLine(std::string_view value, std::string_view field, std::size_t maxChars);
// A multi-line field (as given): tabs and line breaks allowed.
Status checkNotes(std::string_view value, std::string_view field, std::size_t maxChars = kMaxNotesChars);

// The numbers a unit carries (RAM, battery health, screen size): plausible or refused, naming the field.
Status checkSpecs(const UnitSpecs &specs);

// Every text problem of a unit to register, in field order (empty if none). The serial is
// checked as cleaned; an empty serial is a problem.
std::vector<FieldProblem> checkUnitText(const NewUnit &unit);
Status checkMediumText(const NewMedium &medium);
// The problems of a unit edit's text fields (only those set).
std::vector<FieldProblem> checkPatchText(const UnitPatch &patch);

Status checkDonorText(std::string_view name, std::string_view email);
Status checkDonationText(std::string_view site, std::string_view notes);
std::vector<FieldProblem> checkSchoolText(const NewSchool &school);

// A family reference is a short code the school chose: letters, digits, '-', '_', '/', at most
// 32, never a name or an address ("Famille Martin 3 rue X" is refused). Checked trimmed.
Status checkFamilyRef(std::string_view ref);
std::vector<FieldProblem> checkNeedText(const NewNeed &need);

}  // namespace reemploi::inventory
