// Reading the values donors write in their lists: device kinds in French or English, memory and
// disk sizes in any common unit, manufacturer names as asset tools spell them. Used by the CSV
// import and by any form that accepts the same free text (`reemploi unit add`, the web pages).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/intake/Columns.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::intake {

// The kinds as donors and asset tools write them: "Portable", "ordinateurs portables",
// "Laptops", "Unité centrale", "PC", "Tablette", "Mobile Phones", "Écran", "Displays", …
// (canonical names are inventory's: "laptop", "desktop", "tablet", "phone", "monitor", "other").
const SynonymTable &kindSynonyms();

// The kind `text` names; InvalidInput naming the text and what is accepted when unknown.
// Blank text is not a kind: callers decide what an empty cell means.
Result<inventory::UnitKind> parseKind(std::string_view text);

// Words for things donors give that we do not refurbish (copiers and scanners, headsets, UPS,
// docking stations, cameras, adapters, projectors, speakers, TVs, network gear, desk phones,
// servers): imported as `other`, the donor's word kept, with a warning. Printers, chargers, mice,
// keyboards and cables are kinds of their own (kindSynonyms).
const SynonymTable &peripheralWords();

// A donor's own words for kinds, for one import: `--kind-map "EINBAU=desktop,Station=desktop"`.
struct KindMap {
    std::vector<std::pair<std::string, inventory::UnitKind>> entries;  // normalizeKey(word) → kind
    bool empty() const { return entries.empty(); }
};
// InvalidInput naming the item when an entry has no '=', no word, or a target that is not a kind.
Result<KindMap> parseKindMap(std::string_view text);

// A kind named by the first words of a cell ("Imprimante HP LaserJet" → printer, "HP LaserJet").
struct LeadingKind {
    inventory::UnitKind kind = inventory::UnitKind::Other;
    std::string rest;  // what follows the kind's words (the device's make and model), trimmed
};
// The longest leading run of one to three words that kindSynonyms knows, with something after it.
std::optional<LeadingKind> kindFromLeadingWords(std::string_view text);

struct KindReading {
    inventory::UnitKind kind = inventory::UnitKind::Other;
    bool peripheral = false;  // a thing we do not refurbish (kind is Other)
    std::string rest;         // the words after the kind ("Imprimante HP LaserJet" → "HP LaserJet")
};
// A kind cell of a donor's list: the map's words first, then kindSynonyms, then peripheralWords
// (Other, peripheral), then a kind in the cell's first words with a model after it. InvalidInput
// for a word none of them knows, suggesting --kind-map.
Result<KindReading> readKind(std::string_view text, const KindMap &map = {});

// Memory size in MiB: "8", "8 Go", "8GB", "8 Gio", "8192 MB", "8192 Mio", "2 x 4 Go", "8 Go DDR4".
// A bare number takes `unitHint` (from the header, e.g. "Go" in "RAM (Go)") or, without one,
// is read as GiB below 512 and MiB from 512 up. GB and Go count as GiB, as memory is sold.
Result<std::int64_t> parseRamMib(std::string_view text, std::string_view unitHint = {});

// Storage media from "256 Go SSD", "SSD 512GB + HDD 1 To", "2 x 500 Go", "NVMe 1TB", "476940 Mio"
// (GLPI), "eMMC 64 Go". Sizes use decimal units as disks are sold (Go/GB = 10^9 bytes) and
// binary ones when written so (Gio/GiB, Mio/MiB). A bare number takes `unitHint`, or is GB
// from 16 up (MB from 100000 up); smaller bare numbers are refused as ambiguous. "aucun",
// "none", "sans", "-", "0" mean no storage (an empty list).
Result<std::vector<inventory::NewMedium>> parseStorage(std::string_view text, std::string_view unitHint = {});

// Screen diagonal in inches: "15.6", "15,6\"", "14 pouces", "13.3 in".
Result<double> parseScreenInches(std::string_view text);

// One name per manufacturer ("Dell Inc." → "Dell"): inventory::canonicalMake (Identity.hpp), the
// one rule that every registration applies (kept here for intake's callers).
std::string canonicalMake(std::string_view make);

// When a model starts with a known make ("Dell Latitude 5480"), that make and the rest
// (inventory::splitMakeFromModel).
std::optional<std::pair<std::string, std::string>> splitMakeFromModel(std::string_view model);

// True for what Excel turns a long numeric serial into ("1.23457E+11", "1,23457E+11").
bool looksLikeExcelScientific(std::string_view text);

}  // namespace reemploi::intake
