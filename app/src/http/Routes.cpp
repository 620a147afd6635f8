// The whole API: each group adds its routes (http/routes/*.cpp).
#include "http/Router.hpp"

namespace reemploi::app::http {

void addAuthRoutes(Router &);
void addInventoryRoutes(Router &);
void addAllocationRoutes(Router &);
void addDonorRoutes(Router &);
void addBenchRoutes(Router &);
void addCoordinationRoutes(Router &);
void addWipeRoutes(Router &);
void addImportRoutes(Router &);
void addLabelRoutes(Router &);
void addUsbRoutes(Router &);
void addScanRoutes(Router &);
void addReportRoutes(Router &);
void addProgrammeRoutes(Router &);
void addSnapshotRoutes(Router &);
void addTabletRoutes(Router &);
void addAuditRoutes(Router &);

Router buildRouter() {
    Router r;
    addAuthRoutes(r);
    addInventoryRoutes(r);
    addAllocationRoutes(r);
    addDonorRoutes(r);
    addBenchRoutes(r);
    addCoordinationRoutes(r);
    addWipeRoutes(r);
    addImportRoutes(r);
    addLabelRoutes(r);
    addUsbRoutes(r);
    addScanRoutes(r);
    addReportRoutes(r);
    addProgrammeRoutes(r);
    addSnapshotRoutes(r);
    addTabletRoutes(r);
    addAuditRoutes(r);
    return r;
}

}  // namespace reemploi::app::http
