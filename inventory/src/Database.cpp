// Database::open chooses the engine from the location; the `?` → `$n` rewrite for PostgreSQL.
#include <reemploi/inventory/Database.hpp>

#include <algorithm>
#include <cctype>

#include "Backends.hpp"

namespace reemploi::inventory {

bool isServerLocation(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redactLocation(std::string_view location) {
    if (!isServerLocation(location)) return std::string(location);
    // scheme://user:password@host…: the password is between the first ':' after the scheme and '@'.
    auto scheme = location.find("://") + 3;
    auto at = location.find('@', scheme);
    auto slash = location.find('/', scheme);
    if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return std::string(location);
    auto colon = location.find(':', scheme);
    if (colon == std::string_view::npos || colon > at) return std::string(location);
    return std::string(location.substr(0, colon + 1)) + "***" + std::string(location.substr(at));
}

std::string numberPlaceholders(std::string_view sql, int *count) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    std::size_t i = 0;
    auto copyUntil = [&](std::size_t end) {
        out.append(sql.substr(i, end - i));
        i = end;
    };
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            // A literal or a quoted identifier: doubled quotes stay inside; E'…' also escapes with '\'.
            bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                               (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
            std::size_t j = i + 1;
            while (j < sql.size()) {
                if (backslashes && sql[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (sql[j] == c) {
                    if (j + 1 < sql.size() && sql[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            copyUntil(std::min(sql.size(), j + 1));
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            auto end = sql.find('\n', i);
            copyUntil(end == std::string_view::npos ? sql.size() : end);
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            // Block comments nest in PostgreSQL.
            std::size_t j = i + 2;
            int depth = 1;
            while (j < sql.size() && depth > 0) {
                if (sql.compare(j, 2, "/*") == 0) {
                    ++depth;
                    j += 2;
                } else if (sql.compare(j, 2, "*/") == 0) {
                    --depth;
                    j += 2;
                } else {
                    ++j;
                }
            }
            copyUntil(j);
        } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
            // $tag$ … $tag$ (dollar quoting); a bare $1 is left as it is.
            std::size_t j = i + 1;
            while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
            if (j < sql.size() && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
                std::string_view tag = sql.substr(i, j - i + 1);
                auto end = sql.find(tag, j + 1);
                copyUntil(end == std::string_view::npos ? sql.size() : end + tag.size());
            } else {
                copyUntil(j);
            }
        } else if (c == '?') {
            out += '$';
            out += std::to_string(++n);
            ++i;
        } else {
            out += c;
            ++i;
        }
    }
    if (count) *count = n;
    return out;
}

Result<std::unique_ptr<Database>> Database::open(const std::string &location, BusyPolicy busy) {
    if (isServerLocation(location)) return openPostgres(location, std::move(busy));
    if (location.starts_with("sqlite:")) return openSqlite(location.substr(7), std::move(busy));
    return openSqlite(location, std::move(busy));
}

}  // namespace reemploi::inventory
