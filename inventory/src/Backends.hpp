// The two engines behind Database::open (Database.cpp chooses by the location).
#pragma once

#include <reemploi/inventory/Database.hpp>

namespace reemploi::inventory {

Result<std::unique_ptr<Database>> openSqlite(const std::string &path, BusyPolicy busy);
Result<std::unique_ptr<Database>> openPostgres(const std::string &url, BusyPolicy busy);

}  // namespace reemploi::inventory
