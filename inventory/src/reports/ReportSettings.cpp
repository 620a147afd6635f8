// The report configuration file: workshop, impact factors with their sources, SMTP. Every key is
// known; a mistyped one is refused naming its line, since it would otherwise silently do nothing.
#include <reemploi/inventory/reports/DonorReport.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include <reemploi/common/File.hpp>
#include <reemploi/common/Text.hpp>

namespace reemploi::inventory::reports {

namespace {

// The kinds a family may receive: their factors must be stated.
const UnitKind kReusableKinds[] = {UnitKind::Laptop, UnitKind::Desktop, UnitKind::Tablet, UnitKind::Phone,
                                   UnitKind::Monitor};

std::optional<double> decimal(const std::string &v) {
    if (v.empty()) return std::nullopt;
    char *end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size() || !(d >= 0) || d > 100000) return std::nullopt;
    return d;
}

std::optional<bool> yesNo(const std::string &v) {
    if (v == "yes" || v == "true" || v == "1") return true;
    if (v == "no" || v == "false" || v == "0") return false;
    return std::nullopt;
}

}  // namespace

Result<ReportSettings> parseReportSettings(std::string_view content, const std::string &origin) {
    ReportSettings s;
    std::set<std::pair<UnitKind, int>> given;  // (kind, 0 mass / 1 CO2e)
    auto text = [](std::string &field) { return [&field](const std::string &v) { field = v; return true; }; };
    std::map<std::string, std::function<bool(const std::string &)>> keys = {
        {"workshop.name", text(s.workshopName)},
        {"workshop.address", text(s.workshopAddress)},
        {"workshop.contact", text(s.workshopContact)},
        {"workshop.logo", text(s.logoPath)},
        {"report.operator_names", [&](const std::string &v) { auto b = yesNo(v); if (b) s.operatorNames = *b; return bool(b); }},
        {"impact.co2e_source", text(s.impact.co2eSource)},
        {"impact.co2e_source_url", text(s.impact.co2eSourceUrl)},
        {"impact.mass_source", text(s.impact.massSource)},
        {"impact.method", text(s.impact.method)},
        {"impact.co2e_source.en", text(s.impact.co2eSourceEn)},
        {"impact.mass_source.en", text(s.impact.massSourceEn)},
        {"impact.method.en", text(s.impact.methodEn)},
        {"smtp.url", text(s.smtp.url)},
        {"smtp.starttls", [&](const std::string &v) { auto b = yesNo(v); if (b) s.smtp.startTls = *b; return bool(b); }},
        {"smtp.ca_file", text(s.smtp.caFile)},
        {"smtp.user", text(s.smtp.user)},
        {"smtp.password", text(s.smtp.password)},
        {"smtp.from", text(s.smtp.from)},
    };
    // Printers and accessories may be given factors; a report without them counts them as none.
    for (UnitKind kind : {UnitKind::Laptop, UnitKind::Desktop, UnitKind::Tablet, UnitKind::Phone, UnitKind::Monitor,
                          UnitKind::Other, UnitKind::Printer, UnitKind::Charger, UnitKind::Mouse, UnitKind::Keyboard,
                          UnitKind::Cable}) {
        std::string k(toString(kind));
        keys["impact." + k + ".kg_ewaste"] = [&s, &given, kind](const std::string &v) {
            auto d = decimal(v);
            if (d) s.impact.perKind[kind].kgEwaste = *d, given.insert({kind, 0});
            return bool(d);
        };
        keys["impact." + k + ".kg_co2e"] = [&s, &given, kind](const std::string &v) {
            auto d = decimal(v);
            if (d) s.impact.perKind[kind].kgCo2e = *d, given.insert({kind, 1});
            return bool(d);
        };
    }
    std::size_t number = 0, at = 0;
    while (at <= content.size()) {
        std::size_t end = content.find('\n', at);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = text::trimView(content.substr(at, end - at));
        at = end + 1;
        ++number;
        if (line.empty() || line[0] == '#') continue;
        std::string where = origin + " line " + std::to_string(number);
        auto eq = line.find('=');
        if (eq == std::string_view::npos) return makeError(Errc::InvalidInput, where + ": expected key = value");
        std::string key = text::trim(line.substr(0, eq)), value = text::trim(line.substr(eq + 1));
        auto it = keys.find(key);
        if (it == keys.end()) return makeError(Errc::InvalidInput, where + ": unknown key '" + key + "'");
        REEMPLOI_TRY(text::checkUtf8Text(value, key, 2000));
        if (!it->second(value)) return makeError(Errc::InvalidInput, where + ": '" + value + "' is not a valid " + key);
    }
    for (UnitKind kind : kReusableKinds)
        for (int which : {0, 1})
            if (!given.count({kind, which}))
                return makeError(Errc::InvalidInput, origin + ": impact." + std::string(toString(kind)) +
                                                         (which ? ".kg_co2e" : ".kg_ewaste") +
                                                         " is missing (every kind a family may receive needs its factors)");
    if (s.impact.co2eSource.empty() || s.impact.massSource.empty())
        return makeError(Errc::InvalidInput, origin + ": impact.co2e_source and impact.mass_source must state where the "
                                                      "factors come from");
    return s;
}

Result<ReportSettings> loadReportSettings(const std::string &path) {
    auto content = file::readRegularFile(path, 1u << 20);
    if (!content) return content.error().withContext("report configuration");
    auto settings = parseReportSettings(*content, path);
    if (!settings) return settings;
    auto besideTheFile = [&](std::string &file) {
        if (!file.empty() && std::filesystem::path(file).is_relative())
            file = (std::filesystem::path(path).parent_path() / file).string();
    };
    besideTheFile(settings->logoPath);
    besideTheFile(settings->smtp.caFile);
    return settings;
}

}  // namespace reemploi::inventory::reports
