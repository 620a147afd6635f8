// Why a unit went to a family, why a need stays open, why a unit stays in stock: the codes the
// solver gives and their English wording. The web app words the same codes in French
// (app/web/js/i18n.js, keys "reason.CODE"); a code added here is added there.
#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory::allocation {

namespace {

const std::string &value(const ReasonPart &p, std::size_t i) {
    static const std::string none;
    return i < p.values.size() ? p.values[i] : none;
}

std::string plural(const std::string &n, const char *one, const char *many) { return n + (n == "1" ? one : many); }

// Why a unit cannot go to any family (shared by "misfit.*" and the unused units).
std::string unusable(const std::string &what, const ReasonPart &p) {
    if (what == "kind") return value(p, 0) + ": only laptops and tablets go to families";
    if (what == "ram")
        return "RAM " + value(p, 0) + " MiB is below the " + value(p, 1) + " MiB minimum for a " + value(p, 2);
    if (what == "storage")
        return "storage " + value(p, 0) + " GB is below the " + value(p, 1) + " GB minimum for a " + value(p, 2);
    if (what == "battery") return "battery health " + value(p, 0) + "% is below the " + value(p, 1) + "% minimum";
    if (what == "programme_kind") return value(p, 0) + ": this programme hands out only " + value(p, 1);
    if (what == "keyboard") return value(p, 0) + " where CM1–CM2 needs a laptop with a keyboard";
    return what;
}

std::string english(const ReasonPart &p) {
    const std::string &c = p.code;
    if (c == "pinned") return "pinned by coordinator";
    if (c == "rank.none") return "no device at home";
    if (c == "rank.some")
        return plural(value(p, 0), " device", " devices") + " at home for " + plural(value(p, 1), " child", " children");
    if (c == "priority") return "priority " + value(p, 0);
    if (c == "grades") return value(p, 0);
    if (c == "grades.none") return "no grade given";
    if (c == "fits") return value(p, 0) + " fits";
    if (c == "preferred") return "(" + value(p, 0) + " preferred)";
    if (c == "unmeasured.keyboard") return "keyboard not checked";
    if (c == "unmeasured.ram") return "RAM not measured";
    if (c == "unmeasured.storage") return "storage not measured";
    if (c == "unmeasured.battery") return "battery not measured";
    if (c.rfind("misfit.", 0) == 0) return "does not fit (" + unusable(c.substr(7), p) + ")";
    if (c.rfind("unusable.", 0) == 0) return unusable(c.substr(9), p);
    if (c == "unmet.taken")
        return value(p, 0) == "1" ? "the one ready unit that fits went to a family ranked before or level with this one"
                                  : "the " + value(p, 0) +
                                        " ready units that fit went to families ranked before or level with this one";
    if (c == "unmet.needs_laptop") return "no ready unit fits: a child in CM1–CM2 needs a laptop with a keyboard";
    if (c == "unmet.none_fits") return "no ready laptop or tablet fits";
    if (c == "unmet.level_laptop") return "no ready unit fits: the programme gives this level a laptop with a keyboard";
    if (c == "kit.no_internet") return "no internet at home: a " + value(p, 0) + " with " + value(p, 1);
    if (c == "unused.not_ready") return "not ready";
    if (c == "unused.excluded") return "excluded by a coordinator";
    if (c == "unused.no_need") return "no open need left that it fits";
    if (c == "unused.pin_failed") return "pinned to a need that could not take it";
    return c;
}

}  // namespace

std::string englishReason(const std::vector<ReasonPart> &parts) {
    std::string out;
    for (const auto &p : parts) {
        // "(laptop preferred)" qualifies the "fits" before it.
        if (!out.empty()) out += p.code == "preferred" ? " " : ", ";
        out += english(p);
    }
    return out;
}

}  // namespace reemploi::inventory::allocation
