// The whole API: each group adds its routes (http/routes/*.cpp).
#include "http/Router.hpp"

namespace reemploi::app::http {

void addAuthRoutes(Router &);
void addInventoryRoutes(Router &);
void addAllocationRoutes(Router &);
void addDonorRoutes(Router &);
void addBenchRoutes(Router &);
void addCoordinationRoutes(Router &);

Router buildRouter() {
    Router r;
    addAuthRoutes(r);
    addInventoryRoutes(r);
    addAllocationRoutes(r);
    addDonorRoutes(r);
    addBenchRoutes(r);
    addCoordinationRoutes(r);
    return r;
}

}  // namespace reemploi::app::http
