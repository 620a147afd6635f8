// The report as canonical JSON, CSV (French Excel) and HTML, and the French and English words the
// formats share. The JSON is the signed form: its keys are English and never depend on a language.
#include <reemploi/inventory/reports/ReportFormats.hpp>

#include <cmath>
#include <cstdio>
#include <utility>

#include <reemploi/common/Json.hpp>

namespace reemploi::inventory::reports {

namespace {

struct Words {
    const char *key, *fr, *en;
};

const Words kWords[] = {
    {"title", "Rapport de traçabilité", "Traceability report"},
    {"subtitle", "Ce que sont devenus les appareils donnés et leurs données",
     "What became of the donated devices and their data"},
    {"donation", "Don", "Donation"},
    {"donation_no", "don n°", "donation no."},
    {"donor", "Donateur", "Donor"},
    {"period", "Période", "Period"},
    {"from_to", "du %1 au %2", "from %1 to %2"},
    {"received", "Reçu le", "Received"},
    {"site", "Site", "Site"},
    {"workshop", "Atelier", "Workshop"},
    {"as_of", "État au", "As of"},
    {"audit_head", "Tête de la chaîne d'audit", "Audit chain head"},
    {"event", "événement", "event"},
    {"summary", "Synthèse", "Summary"},
    {"indicator", "Indicateur", "Figure"},
    {"count", "Nombre", "Count"},
    {"estimate", "Estimation", "Estimate"},
    {"receipt_short", "bordereau du recycleur", "recycler's receipt"},
    {"units_received", "Appareils reçus", "Units received"},
    {"units_reused", "Réemployés (remis à une famille par une école)", "Reused (delivered to a family through a school)"},
    {"units_allocated", "Attribués, remise en cours", "Allocated, delivery pending"},
    {"units_in_stock", "Prêts, en attente d'une famille", "Ready, waiting for a family"},
    {"units_in_process", "En cours de traitement", "Being processed"},
    {"units_repair", "En réparation", "Being repaired"},
    {"units_parts", "Démontés pour pièces", "Taken apart for parts"},
    {"units_recycled", "Recyclés", "Recycled"},
    {"units_returned", "Revenus d'une famille, en contrôle", "Returned by a family, being checked"},
    {"units_pending", "En attente d'un devenir définitif", "Pending a final outcome"},
    {"media_total", "Supports de stockage", "Storage media"},
    {"media_sanitized", "Effacés (NIST SP 800-88)", "Sanitized (NIST SP 800-88)"},
    {"media_destroyed", "Détruits physiquement", "Physically destroyed"},
    {"media_pending", "À effacer", "Still to sanitize"},
    {"media_methods", "Méthodes d'effacement", "Sanitization methods"},
    {"impact", "Impact estimé", "Estimated impact"},
    {"devices_reused", "Appareils réemployés", "Devices reused"},
    {"kg_ewaste", "Déchets électroniques évités (kg)", "Electronic waste avoided (kg)"},
    {"kg_co2e", "Émissions évitées (kg CO2e)", "Emissions avoided (kg CO2e)"},
    {"factors", "Facteurs par type d'appareil", "Factors per kind of device"},
    {"kind", "Type", "Kind"},
    {"co2e_source", "Source des facteurs CO2e", "Source of the CO2e factors"},
    {"mass_source", "Source des masses", "Source of the masses"},
    {"method", "Méthode", "Method"},
    {"units", "Appareils", "Units"},
    {"our_tag", "Notre étiquette", "Our tag"},
    {"donor_tag", "Étiquette donateur", "Donor tag"},
    {"serial", "N° de série", "Serial"},
    {"make", "Marque", "Make"},
    {"model", "Modèle", "Model"},
    {"outcome", "Devenir", "Outcome"},
    {"outcome_code", "Code devenir", "Outcome code"},
    {"since", "Depuis", "Since"},
    {"school", "École", "School"},
    {"town", "Commune", "Town"},
    {"recycler_receipt", "Bordereau du recycleur", "Recycler's receipt"},
    {"storage", "Stockage et effacement", "Storage and sanitization"},
    {"certificates", "Certificats d'effacement", "Sanitization certificates"},
    {"certificate", "Certificat", "Certificate"},
    {"level", "Niveau NIST", "NIST level"},
    {"verification", "Vérification", "Verification"},
    {"date", "Date", "Date"},
    {"result", "Résultat", "Result"},
    {"performed_by", "Effectué par", "Performed by"},
    {"workshop_operator", "opérateur de l'atelier", "workshop operator"},
    {"sha256", "SHA-256 du certificat", "Certificate SHA-256"},
    {"how_to_verify", "Comment vérifier", "How to verify"},
    {"verify_intro",
     "Ce rapport est signé comme les certificats : le JSON canonique et sa signature Ed25519 détachée (.sig) "
     "se vérifient avec OpenSSL seul et la clé publique de l'atelier ci-dessous.",
     "This report is signed like the certificates: the canonical JSON and its detached Ed25519 signature (.sig) "
     "are checked with OpenSSL alone and the workshop's public key below."},
    {"verify_report", "Vérifier ce rapport :", "Check this report:"},
    {"verify_certificate", "Vérifier un certificat :", "Check a certificate:"},
    {"verify_audit",
     "Conservez la tête de la chaîne d'audit : « reemploi audit verify --anchor ÉVÉNEMENT:EMPREINTE » prouve plus tard "
     "que l'historique n'a pas été réécrit.",
     "Keep the audit chain head: 'reemploi audit verify --anchor EVENT:HASH' later proves the history was not rewritten."},
    {"public_key", "Clé publique de l'atelier", "Workshop public key"},
    {"key_fingerprint", "Empreinte de la clé (SHA-256)", "Key fingerprint (SHA-256)"},
    {"signature", "Signature Ed25519 du JSON", "Ed25519 signature of the JSON"},
    {"report_sha256", "SHA-256 du rapport JSON", "SHA-256 of the JSON report"},
    {"privacy",
     "Aucune donnée sur les familles : un appareil réemployé est désigné par l'école (nom et commune) qui l'a remis.",
     "Nothing about families: a reused device is named by the school (name and town) that handed it over."},
    {"page", "Page", "Page"},
    {"of", "sur", "of"},
    {"appendix", "Annexe", "Appendix"},
    {"no_certificates", "Aucun certificat émis pour ces appareils.", "No certificate issued for these units."},
    {"no_units", "Aucun appareil.", "No units."},
    {"estimate_note", "Estimation : un appareil réemployé remplace l'achat d'un appareil neuf.",
     "Estimate: a reused device replaces buying a new one."},
};

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string htmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string csvCell(std::string_view value) {
    std::string v(value);
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
    if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
    return "\"" + replaceAll(v, "\"", "\"\"") + "\"";
}

std::string dateOf(const std::string &utc) { return utc.substr(0, 10); }

}  // namespace

std::string_view word(Lang lang, std::string_view key) {
    for (const auto &w : kWords)
        if (key == w.key) return lang == Lang::Fr ? w.fr : w.en;
    return key;
}

std::string outcomeText(Lang lang, Outcome o) {
    static const std::pair<Outcome, std::pair<const char *, const char *>> texts[] = {
        {Outcome::Reused, {"réemployé", "reused"}},         {Outcome::Allocated, {"attribué", "allocated"}},
        {Outcome::InStock, {"en stock", "in stock"}},       {Outcome::InProcess, {"en traitement", "being processed"}},
        {Outcome::Repair, {"en réparation", "being repaired"}}, {Outcome::Parts, {"pièces détachées", "spare parts"}},
        {Outcome::Recycled, {"recyclé", "recycled"}},       {Outcome::Returned, {"revenu, en contrôle", "returned, being checked"}},
    };
    for (const auto &[k, t] : texts)
        if (k == o) return lang == Lang::Fr ? t.first : t.second;
    return std::string(toString(o));
}

std::string mediumStateText(Lang lang, MediumState s) {
    switch (s) {
    case MediumState::Sanitized: return lang == Lang::Fr ? "effacé" : "sanitized";
    case MediumState::Destroyed: return lang == Lang::Fr ? "détruit" : "destroyed";
    case MediumState::Pending: return lang == Lang::Fr ? "à effacer" : "pending";
    case MediumState::Failed: return lang == Lang::Fr ? "échec, à refaire" : "failed, to redo";
    }
    return {};
}

std::string kindText(Lang lang, UnitKind k) {
    switch (k) {
    case UnitKind::Laptop: return lang == Lang::Fr ? "portable" : "laptop";
    case UnitKind::Desktop: return lang == Lang::Fr ? "fixe" : "desktop";
    case UnitKind::Tablet: return lang == Lang::Fr ? "tablette" : "tablet";
    case UnitKind::Phone: return lang == Lang::Fr ? "téléphone" : "phone";
    case UnitKind::Monitor: return lang == Lang::Fr ? "écran" : "monitor";
    case UnitKind::Other: return lang == Lang::Fr ? "autre" : "other";
    case UnitKind::Printer: return lang == Lang::Fr ? "imprimante" : "printer";
    case UnitKind::Charger: return lang == Lang::Fr ? "chargeur" : "charger";
    case UnitKind::Mouse: return lang == Lang::Fr ? "souris" : "mouse";
    case UnitKind::Keyboard: return lang == Lang::Fr ? "clavier" : "keyboard";
    case UnitKind::Cable: return lang == Lang::Fr ? "câble" : "cable";
    }
    return {};
}

std::string noMediaText(Lang lang, NoMedia why) {
    switch (why) {
    case NoMedia::None: return {};
    case NoMedia::HoldsNoData: return lang == Lang::Fr ? "sans stockage (ne contient pas de données)" : "no storage (holds no data)";
    case NoMedia::DeclaredRemoved: return lang == Lang::Fr ? "disque retiré" : "drive removed";
    case NoMedia::DeclaredAbsent: return lang == Lang::Fr ? "aucun disque installé" : "no drive fitted";
    case NoMedia::NotRecorded: return lang == Lang::Fr ? "stockage pas encore relevé" : "storage not yet recorded";
    }
    return {};
}

std::string formatNumber(Lang lang, double value) {
    double rounded = std::round(value * 10) / 10;
    char buf[64];
    bool whole = rounded == std::floor(rounded);
    std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%.1f", rounded);
    std::string s = buf;
    std::string intPart = s.substr(0, s.find('.')), frac = s.find('.') == std::string::npos ? "" : s.substr(s.find('.') + 1);
    bool negative = !intPart.empty() && intPart[0] == '-';
    if (negative) intPart.erase(0, 1);
    std::string grouped;
    for (std::size_t i = 0; i < intPart.size(); ++i) {
        if (i && (intPart.size() - i) % 3 == 0) grouped += lang == Lang::Fr ? "\u202f" : ",";
        grouped += intPart[i];
    }
    return (negative ? "-" : "") + grouped + (frac.empty() ? "" : (lang == Lang::Fr ? "," : ".") + frac);
}

std::string outcomeLine(Lang lang, const ReportUnit &u) {
    std::string out = outcomeText(lang, u.outcome);
    if (u.placement) out += (lang == Lang::Fr ? " : " : ": ") + u.placement->school + " (" + u.placement->town + ")";
    if (u.outcome == Outcome::Recycled)
        out += ", " + std::string(word(lang, "receipt_short")) + " " +
               (u.recyclerReceipt ? *u.recyclerReceipt : (lang == Lang::Fr ? "à venir" : "to come"));
    if (!u.outcomeSince.empty()) out += ", " + dateOf(u.outcomeSince);
    return out;
}

std::string mediumLine(Lang lang, const ReportMedium &m) {
    std::string what = m.type;
    if (!m.model.empty()) what += " " + m.model;
    if (!m.serial.empty()) what += " (" + m.serial + ")";
    std::string out = what + (lang == Lang::Fr ? " : " : ": ") + mediumStateText(lang, m.state);
    if (m.state == MediumState::Sanitized || m.state == MediumState::Destroyed || m.state == MediumState::Failed) {
        if (!m.method.empty()) out += ", " + m.method;
        if (!m.level.empty()) out += ", NIST " + m.level;
        if (!m.verification.empty()) out += ", " + std::string(word(lang, "verification")) + " " + m.verification;
        if (!m.date.empty()) out += ", " + dateOf(m.date);
        if (!m.certificateId.empty()) out += ", " + m.certificateId;
    }
    return out;
}

std::string donorText(Lang lang, const DonorReport &r) {
    if (r.donorKind != DonorKind::Individual) return r.donorName;
    return (lang == Lang::Fr ? "donateur particulier n° " : "individual donor #") + std::to_string(r.donorId);
}

std::string reportTitle(Lang lang, const DonorReport &r) {
    std::string t(word(lang, "title"));
    if (r.scope == "donation" && !r.donations.empty())
        return t + " \u2014 " + std::string(word(lang, "donation_no")) + " " + std::to_string(r.donations.front().id);
    return t + " \u2014 " + donorText(lang, r);
}

std::string opensslReportCommand(std::string_view jsonFile) {
    std::string f(jsonFile);
    return "openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin -in " + f + " -sigfile " + f + ".sig";
}

std::string opensslCertificateCommand() {
    return "openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin -in CERT.json -sigfile CERT.json.sig";
}

// --- JSON ----------------------------------------------------------------------------------------

std::string reportJson(const DonorReport &r) {
    using json::Object;
    json::Array donations;
    for (const auto &d : r.donations) donations.add(Object().set("id", d.id).set("received", d.received).set("site", d.site));
    json::Array units;
    for (const auto &u : r.units) {
        json::Array media;
        for (const auto &m : u.media)
            media.add(Object()
                          .set("type", m.type)
                          .set("model", m.model)
                          .set("serial", m.serial)
                          .set("capacity_bytes", m.capacityBytes)
                          .set("state", toString(m.state))
                          .set("method", m.method)
                          .set("level", m.level)
                          .set("verification", m.verification)
                          .set("date", m.date)
                          .set("certificate_id", m.certificateId)
                          .set("certificate_sha256", m.certificateSha256)
                          .set("performed_by", m.performedBy));
        Object o;
        o.set("tag", u.tag)
            .set("donation", u.donationId)
            .set("donor_tag", u.donorTag)
            .set("serial", u.serial)
            .set("make", u.make)
            .set("model", u.model)
            .set("kind", toString(u.kind))
            .set("outcome", toString(u.outcome))
            .set("outcome_since", u.outcomeSince)
            .set("recycler_receipt", u.recyclerReceipt)
            .raw("storage", media.str());
        if (u.placement) o.set("school", Object().set("name", u.placement->school).set("town", u.placement->town));
        else o.null("school");
        if (u.noMedia != NoMedia::None) o.set("no_storage", Object().set("why", toString(u.noMedia)).set("reason", u.noMediaReason));
        else o.null("no_storage");
        units.add(o);
    }
    json::Array certificates;
    for (const auto &c : r.certificates)
        certificates.add(Object()
                             .set("id", c.id)
                             .set("unit", c.unitTag)
                             .set("medium_serial", c.mediumSerial)
                             .set("method", c.method)
                             .set("level", c.level)
                             .set("result", c.result)
                             .set("verification", c.verification)
                             .set("ended_at", c.endedAt)
                             .set("sha256", c.sha256)
                             .set("performed_by", c.performedBy));
    const Totals &t = r.totals;
    Object byMethod;
    for (const auto &[method, n] : t.mediaByMethod) byMethod.set(method, n);
    Object totals;
    totals.set("received", t.received).set("pending", t.pending);
    for (Outcome o : {Outcome::Reused, Outcome::Allocated, Outcome::InStock, Outcome::InProcess, Outcome::Repair,
                      Outcome::Parts, Outcome::Recycled, Outcome::Returned})
        totals.set(std::string(toString(o)), t.count(o));
    totals.set("media", Object()
                            .set("total", t.media)
                            .set("sanitized", t.mediaSanitized)
                            .set("destroyed", t.mediaDestroyed)
                            .set("pending", t.mediaPending)
                            .set("by_method", byMethod));
    Object factors;
    for (const auto &[kind, f] : r.impact.factors.perKind)
        factors.set(std::string(toString(kind)), Object().set("kg_ewaste", f.kgEwaste).set("kg_co2e", f.kgCo2e));
    Object impact;
    impact.set("devices_reused", r.impact.devicesReused)
        .set("kg_ewaste_avoided", r.impact.kgEwasteAvoided)
        .set("kg_co2e_avoided", r.impact.kgCo2eAvoided)
        .set("factors", factors)
        .set("co2e_source", r.impact.factors.co2eSource)
        .set("co2e_source_url", r.impact.factors.co2eSourceUrl)
        .set("mass_source", r.impact.factors.massSource)
        .set("method", r.impact.factors.method);
    Object doc;
    doc.set("format", "reemploi-donor-report/1")
        .set("version", r.version)
        .set("scope", r.scope)
        .set("as_of", r.asOf)
        .set("audit_head", Object().set("event", r.auditHead.id).set("hash", r.auditHead.hash).set("at", r.auditHead.at))
        .set("workshop", Object().set("name", r.workshopName).set("address", r.workshopAddress).set("contact", r.workshopContact))
        .set("donor", Object().set("id", r.donorId).set("name", r.donorName).set("kind", toString(r.donorKind)))
        .raw("donations", donations.str())
        .raw("units", units.str())
        .raw("certificates", certificates.str())
        .set("totals", totals)
        .set("impact", impact)
        .set("verification", Object()
                                 .set("public_key_pem", r.publicKeyPem)
                                 .set("key_fingerprint", r.keyFingerprint)
                                 .set("signature", "Ed25519, detached, over these exact bytes: the file REPORT.json.sig")
                                 .set("check_report", opensslReportCommand("REPORT.json"))
                                 .set("check_certificate", opensslCertificateCommand()));
    if (r.periodFrom) doc.set("period", Object().set("from", *r.periodFrom).set("to", r.periodTo.value_or("")));
    else doc.null("period");
    return doc.str();
}

// --- CSV -----------------------------------------------------------------------------------------

std::string reportCsv(const DonorReport &r, Lang lang) {
    const char *columns[] = {"our_tag", "donation", "donor_tag", "serial", "make",  "model", "kind",
                             "outcome", "outcome_code", "since", "school", "town", "recycler_receipt", "storage"};
    std::string out = "\xEF\xBB\xBF";
    bool first = true;
    for (const char *c : columns) {
        if (!first) out += ';';
        first = false;
        out += csvCell(word(lang, c));
    }
    out += "\r\n";
    for (const auto &u : r.units) {
        std::string storage;
        for (const auto &m : u.media) storage += (storage.empty() ? "" : " | ") + mediumLine(lang, m);
        if (u.media.empty()) storage = noMediaText(lang, u.noMedia) + (u.noMediaReason.empty() ? "" : ": " + u.noMediaReason);
        const std::string cells[] = {u.tag,
                                     std::to_string(u.donationId),
                                     u.donorTag,
                                     u.serial,
                                     u.make,
                                     u.model,
                                     kindText(lang, u.kind),
                                     outcomeText(lang, u.outcome),
                                     std::string(toString(u.outcome)),
                                     dateOf(u.outcomeSince),
                                     u.placement ? u.placement->school : "",
                                     u.placement ? u.placement->town : "",
                                     u.recyclerReceipt.value_or(""),
                                     storage};
        first = true;
        for (const auto &c : cells) {
            if (!first) out += ';';
            first = false;
            out += csvCell(c);
        }
        out += "\r\n";
    }
    return out;
}

// --- HTML ----------------------------------------------------------------------------------------

std::string reportHtml(const DonorReport &r, Lang lang, std::string_view signatureHex) {
    auto w = [&](std::string_view key) { return htmlEscape(word(lang, key)); };
    auto e = [](std::string_view s) { return htmlEscape(s); };
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"" + std::string(toString(lang)) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<title>" + e(reportTitle(lang, r)) + "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
         "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top;font-size:90%}"
         "th{background:#eee}td.n{text-align:right}code,pre{font-size:85%;white-space:pre-wrap;word-break:break-all}"
         "</style>\n</head>\n<body>\n";
    h += "<h1>" + e(reportTitle(lang, r)) + "</h1>\n<p>" + w("subtitle") + "</p>\n<table>\n";
    auto row = [&](std::string_view label, const std::string &value) {
        h += "<tr><th>" + htmlEscape(label) + "</th><td>" + value + "</td></tr>\n";
    };
    row(word(lang, "workshop"), e(r.workshopName) + (r.workshopAddress.empty() ? "" : ", " + e(r.workshopAddress)) +
                                    (r.workshopContact.empty() ? "" : ", " + e(r.workshopContact)));
    row(word(lang, "donor"), e(donorText(lang, r)));
    for (const auto &d : r.donations)
        row(word(lang, "donation"), std::to_string(d.id) + " \u2014 " + w("received") + " " + e(d.received) +
                                        (d.site.empty() ? "" : ", " + e(d.site)));
    if (r.periodFrom)
        row(word(lang, "period"),
            e(replaceAll(replaceAll(std::string(word(lang, "from_to")), "%1", *r.periodFrom), "%2", r.periodTo.value_or(""))));
    row(word(lang, "as_of"), e(r.asOf));
    row(word(lang, "audit_head"), std::string(w("event")) + " " + std::to_string(r.auditHead.id) + ", <code>" +
                                      e(r.auditHead.hash) + "</code>");
    h += "</table>\n<h2>" + w("summary") + "</h2>\n<table>\n";
    const Totals &t = r.totals;
    auto count = [&](const char *key, std::int64_t n) { row(word(lang, key), "<span class=\"n\">" + std::to_string(n) + "</span>"); };
    count("units_received", t.received);
    count("units_reused", t.count(Outcome::Reused));
    count("units_allocated", t.count(Outcome::Allocated));
    count("units_in_stock", t.count(Outcome::InStock));
    count("units_in_process", t.count(Outcome::InProcess) + t.count(Outcome::Returned));
    count("units_repair", t.count(Outcome::Repair));
    count("units_parts", t.count(Outcome::Parts));
    count("units_recycled", t.count(Outcome::Recycled));
    count("units_pending", t.pending);
    count("media_total", t.media);
    count("media_sanitized", t.mediaSanitized);
    count("media_destroyed", t.mediaDestroyed);
    count("media_pending", t.mediaPending);
    std::string methods;
    for (const auto &[m, n] : t.mediaByMethod) methods += (methods.empty() ? "" : ", ") + e(m) + " \u00d7 " + std::to_string(n);
    row(word(lang, "media_methods"), methods.empty() ? "\u2014" : methods);
    h += "</table>\n<h2>" + w("impact") + "</h2>\n<table>\n";
    row(word(lang, "devices_reused"), std::to_string(r.impact.devicesReused));
    row(word(lang, "kg_ewaste"), e(formatNumber(lang, r.impact.kgEwasteAvoided)));
    row(word(lang, "kg_co2e"), e(formatNumber(lang, r.impact.kgCo2eAvoided)));
    const auto &f = r.impact.factors;
    const bool en = lang == Lang::En;
    h += "</table>\n<p>" + w("estimate_note") + " " + e(f.text(f.method, f.methodEn, en)) + "</p>\n<table>\n<tr><th>" + w("kind") +
         "</th><th>kg</th><th>kg CO2e</th></tr>\n";
    for (const auto &[kind, factor] : f.perKind)
        h += "<tr><td>" + e(kindText(lang, kind)) + "</td><td class=\"n\">" + e(formatNumber(lang, factor.kgEwaste)) +
             "</td><td class=\"n\">" + e(formatNumber(lang, factor.kgCo2e)) + "</td></tr>\n";
    const std::string colon = lang == Lang::Fr ? " : " : ": ";
    h += "</table>\n<p>" + w("co2e_source") + colon + e(f.text(f.co2eSource, f.co2eSourceEn, en)) +
         (f.co2eSourceUrl.empty() ? "" : " <code>" + e(f.co2eSourceUrl) + "</code>") + "<br>" + w("mass_source") + colon +
         e(f.text(f.massSource, f.massSourceEn, en)) + "</p>\n";
    h += "<h2>" + w("units") + "</h2>\n<p>" + w("privacy") + "</p>\n";
    if (r.units.empty()) h += "<p>" + w("no_units") + "</p>\n";
    else {
        h += "<table>\n<tr><th>" + w("our_tag") + "</th><th>" + w("donor_tag") + "</th><th>" + w("serial") + "</th><th>" +
             w("kind") + "</th><th>" + w("make") + " / " + w("model") + "</th><th>" + w("outcome") + "</th><th>" +
             w("storage") + "</th></tr>\n";
        for (const auto &u : r.units) {
            std::string storage;
            for (const auto &m : u.media) storage += (storage.empty() ? "" : "<br>") + e(mediumLine(lang, m));
            if (u.media.empty()) storage = e(noMediaText(lang, u.noMedia) + (u.noMediaReason.empty() ? "" : ": " + u.noMediaReason));
            h += "<tr><td>" + e(u.tag) + "</td><td>" + e(u.donorTag) + "</td><td>" + e(u.serial) + "</td><td>" +
                 e(kindText(lang, u.kind)) + "</td><td>" + e(u.make) + " " + e(u.model) + "</td><td>" +
                 e(outcomeLine(lang, u)) + "</td><td>" + storage + "</td></tr>\n";
        }
        h += "</table>\n";
    }
    h += "<h2>" + w("certificates") + "</h2>\n";
    if (r.certificates.empty()) h += "<p>" + w("no_certificates") + "</p>\n";
    else {
        h += "<table>\n<tr><th>" + w("certificate") + "</th><th>" + w("our_tag") + "</th><th>" + w("serial") + "</th><th>" +
             w("method") + "</th><th>" + w("level") + "</th><th>" + w("verification") + "</th><th>" + w("date") +
             "</th><th>" + w("performed_by") + "</th><th>" + w("sha256") + "</th></tr>\n";
        for (const auto &c : r.certificates)
            h += "<tr><td>" + e(c.id) + "</td><td>" + e(c.unitTag) + "</td><td>" + e(c.mediumSerial) + "</td><td>" +
                 e(c.method) + "</td><td>" + e(c.level) + "</td><td>" + e(c.verification) + "</td><td>" + e(dateOf(c.endedAt)) +
                 "</td><td>" + e(c.performedBy.empty() ? std::string(word(lang, "workshop_operator")) : c.performedBy) +
                 "</td><td><code>" + e(c.sha256) + "</code></td></tr>\n";
        h += "</table>\n";
    }
    h += "<h2>" + w("how_to_verify") + "</h2>\n<p>" + w("verify_intro") + "</p>\n";
    h += "<p>" + w("verify_report") + "</p>\n<pre>" + e(opensslReportCommand("REPORT.json")) + "</pre>\n";
    h += "<p>" + w("verify_certificate") + "</p>\n<pre>" + e(opensslCertificateCommand()) + "</pre>\n";
    h += "<p>" + w("verify_audit") + "</p>\n";
    if (!r.keyFingerprint.empty()) h += "<p>" + w("key_fingerprint") + colon + "<code>" + e(r.keyFingerprint) + "</code></p>\n";
    if (!r.publicKeyPem.empty()) h += "<p>" + w("public_key") + "</p>\n<pre>" + e(r.publicKeyPem) + "</pre>\n";
    if (!signatureHex.empty()) h += "<p>" + w("signature") + "</p>\n<pre>" + e(signatureHex) + "</pre>\n";
    h += "</body>\n</html>\n";
    return h;
}

}  // namespace reemploi::inventory::reports
