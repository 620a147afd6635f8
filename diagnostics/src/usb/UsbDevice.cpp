// How a USB device is shown: one JSON object (diag list --json) or one line for people.
#include <reemploi/diagnostics/UsbDevice.hpp>

#include <cstdio>

namespace reemploi::diagnostics {

namespace {

std::string hex2(std::uint8_t v) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", v);
    return buf;
}

std::string hex4(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", v);
    return buf;
}

void setOrNull(json::Object &o, const std::string &key, const std::string &value) {
    if (value.empty()) o.null(key);
    else o.set(key, value);
}

}  // namespace

std::string UsbDeviceInfo::ids() const { return hex4(vendorId) + ":" + hex4(productId); }

std::string UsbDeviceInfo::displayName() const {
    if (vendorName.empty() && productName.empty()) return ids();  // no usb.ids, no strings: bare ids
    std::string name = vendorName.empty() ? hex4(vendorId) : vendorName;
    name += ' ';
    name += productName.empty() ? hex4(productId) : productName;
    return name;
}

json::Object UsbDeviceInfo::toJson() const {
    json::Object o;
    o.set("bus", static_cast<int>(bus));
    o.set("port_path", portPath);
    o.set("address", static_cast<int>(address));
    o.set("vid", hex4(vendorId));
    o.set("pid", hex4(productId));
    char release[8];
    std::snprintf(release, sizeof release, "%x.%02x", this->release >> 8, this->release & 0xff);
    o.set("release", std::string(release));
    setOrNull(o, "vendor", vendorName);
    setOrNull(o, "product", productName);
    o.set("class", hex2(deviceClass.cls));
    setOrNull(o, "class_name", className);
    json::Array ifaces;
    for (const auto &i : interfaces) {
        json::Object io;
        io.set("number", static_cast<int>(i.number));
        io.set("class", hex2(i.triple.cls));
        io.set("subclass", hex2(i.triple.subclass));
        io.set("protocol", hex2(i.triple.protocol));
        setOrNull(io, "class_name", i.className);
        setOrNull(io, "subclass_name", i.subclassName);
        setOrNull(io, "protocol_name", i.protocolName);
        io.set("endpoints", i.endpoints);
        ifaces.add(io);
    }
    o.raw("interfaces", ifaces.str());
    setOrNull(o, "descriptor_problem", descriptorProblem);
    if (serial) o.set("serial", *serial);
    else o.null("serial");
    setOrNull(o, "serial_unavailable", serial ? std::string() : serialUnavailable);
    o.set("speed", speed);
    o.set("speed_mbps", speedMbps);
    o.set("handler", toString(handler));
    json::Array q;
    for (const auto &name : quirks) q.add(name);
    o.raw("quirks", q.str());
    setOrNull(o, "handler_label", handlerLabel);
    o.set("accessible", accessible);
    setOrNull(o, "access_problem", accessProblem);
    setOrNull(o, "access_hint", accessHint);
    return o;
}

std::string UsbDeviceInfo::toLine() const {
    char where[48];
    std::snprintf(where, sizeof where, "%-10s %03u:%03u  ", portPath.c_str(), bus, address);
    std::string line = where;
    line += ids() + "  " + displayName();
    if (!className.empty()) line += "  [" + className + "]";
    line += "  " + speed;
    line += serial ? "  serial " + *serial : "  no serial (" + serialUnavailable + ")";
    line += "  -> " + std::string(toString(handler));
    if (!quirks.empty()) {
        line += " (";
        for (std::size_t i = 0; i < quirks.size(); ++i) line += (i ? "," : "") + quirks[i];
        line += ")";
    }
    if (!accessible) line += "  ! " + accessProblem + (accessHint.empty() ? "" : ": " + accessHint);
    if (!descriptorProblem.empty()) line += "  ! " + descriptorProblem;
    return line;
}

}  // namespace reemploi::diagnostics
