// Headers of a donor's list that look like personal data (a person's name, e-mail, phone, whom
// the device was assigned to): the import drops those columns unless told to keep one.
#pragma once

#include <string_view>

namespace reemploi::intake {

// True for "Nom", "Prénom", "Utilisateur", "Assigned To", "E-mail", "Téléphone", "Agent",
// "Employee", "Login", "Owner", "Contact"…; false for what names a device ("Model Name",
// "Computer name", "Hostname", "Asset name").
bool looksPersonal(std::string_view header);

}  // namespace reemploi::intake
