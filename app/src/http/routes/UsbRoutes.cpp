// The USB bench over HTTP: what is plugged in (as `reemploi diag list --json`). Arrivals and
// departures come as live "usb" events (Server.cpp watches the bus).
#include <reemploi/diagnostics/UsbBus.hpp>

#include "http/Router.hpp"

namespace reemploi::app::http {

namespace {

Response usbDevicesRoute(Call &call) {
    std::lock_guard lock(call.state.usbMutex);
    if (!call.state.usb)
        return errorResponse(503, "usb_unavailable", "this server has no access to a USB bus (see its log when it started)");
    auto devices = call.state.usb->list();
    if (!devices) return errorResponse(503, "usb_unavailable", devices.error().message);
    json::Array all;
    for (const auto &d : *devices) all.add(d.toJson());
    return jsonResponse(all);
}

}  // namespace

void addUsbRoutes(Router &r) {
    r.add({"GET", "/api/usb/devices", Access::Trainee, usbDevicesRoute,
           "the USB devices plugged in: port, ids, name, serial, speed, handler, quirks, access"});
}

}  // namespace reemploi::app::http
