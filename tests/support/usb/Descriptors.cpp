// Device specs for emulated USB devices: fixture files and a descriptor builder.
#include "support/usb/Descriptors.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace reemploi::testing::usb {

namespace {

std::uint16_t le16(const std::vector<std::uint8_t> &b, std::size_t at) {
    return b.size() >= at + 2 ? static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8)) : 0;
}

void put16(std::vector<std::uint8_t> &b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::uint16_t DeviceSpec::vendorId() const { return le16(descriptors, 8); }
std::uint16_t DeviceSpec::productId() const { return le16(descriptors, 10); }
std::uint8_t DeviceSpec::serialIndex() const { return descriptors.size() > 16 ? descriptors[16] : 0; }

Result<std::vector<std::uint8_t>> parseHex(std::string_view text) {
    std::vector<std::uint8_t> out;
    int high = -1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (high >= 0) return makeError(Errc::InvalidInput, "odd hex digit before offset " + std::to_string(i));
            continue;
        }
        int v = hexValue(c);
        if (v < 0) return makeError(Errc::InvalidInput, std::string("not a hex digit '") + c + "' at offset " + std::to_string(i));
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) return makeError(Errc::InvalidInput, "odd number of hex digits");
    return out;
}

std::string toHex(const std::vector<std::uint8_t> &bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

Result<DeviceSpec> parseFixture(std::string_view text, std::string_view origin) {
    DeviceSpec spec;
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    bool inDescriptors = false;
    std::string hex;
    auto fail = [&](const std::string &what) {
        return makeError(Errc::InvalidInput, std::string(origin) + ":" + std::to_string(number) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        if (inDescriptors) {
            hex += line;
            hex += ' ';
            continue;
        }
        std::istringstream words(line);
        std::string key;
        words >> key;
        if (key == "descriptors") {
            inDescriptors = true;
        } else if (key == "source") {
            std::getline(words >> std::ws, spec.source);
        } else if (key == "speed") {
            words >> spec.speed;
        } else if (key == "string" || key == "driver") {
            int index = -1;
            words >> index;
            std::string rest;
            std::getline(words >> std::ws, rest);
            if (index < 0 || index > 255 || rest.empty()) return fail("expected '" + key + " <index> <text>'");
            (key == "string" ? spec.strings : spec.drivers)[static_cast<std::uint8_t>(index)] = rest;
        } else {
            return fail("unknown key '" + key + "'");
        }
    }
    auto bytes = parseHex(hex);
    if (!bytes) return fail("descriptors: " + bytes.error().message);
    spec.descriptors = std::move(*bytes);
    if (spec.descriptors.empty()) return fail("no descriptors");
    return spec;
}

Result<DeviceSpec> loadFixture(const std::string &path) {
    std::ifstream in(path);
    if (!in) return makeError(Errc::NotFound, "cannot read fixture " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseFixture(buffer.str(), path);
}

Result<DeviceSpec> fixture(const std::string &name) {
#ifdef REEMPLOI_TEST_FIXTURES
    std::string base = REEMPLOI_TEST_FIXTURES;
#else
    std::string base = REEMPLOI_SOURCE_DIR "/tests/fixtures";
#endif
    std::string file = name;
    if (file.size() < 7 || file.compare(file.size() - 7, 7, ".usbdev") != 0) file += ".usbdev";
    return loadFixture(base + "/usb/" + file);
}

DescriptorBuilder::DescriptorBuilder(std::uint16_t vendorId, std::uint16_t productId) : _vid(vendorId), _pid(productId) {}

DescriptorBuilder &DescriptorBuilder::usbVersion(std::uint16_t bcd) { _bcdUsb = bcd; return *this; }
DescriptorBuilder &DescriptorBuilder::deviceClass(std::uint8_t cls, std::uint8_t subclass, std::uint8_t protocol) {
    _class = cls;
    _subclass = subclass;
    _protocol = protocol;
    return *this;
}
DescriptorBuilder &DescriptorBuilder::deviceRelease(std::uint16_t bcd) { _bcdDevice = bcd; return *this; }
DescriptorBuilder &DescriptorBuilder::maxPacket0(std::uint8_t size) { _maxPacket0 = size; return *this; }
DescriptorBuilder &DescriptorBuilder::manufacturer(std::string text) { _manufacturer = std::move(text); return *this; }
DescriptorBuilder &DescriptorBuilder::product(std::string text) { _product = std::move(text); return *this; }
DescriptorBuilder &DescriptorBuilder::serial(std::string text) { _serial = std::move(text); return *this; }
DescriptorBuilder &DescriptorBuilder::speed(std::string sysfsSpeed) { _speed = std::move(sysfsSpeed); return *this; }

DescriptorBuilder &DescriptorBuilder::interface(std::uint8_t cls, std::uint8_t subclass, std::uint8_t protocol,
                                                std::vector<std::pair<std::uint8_t, std::uint16_t>> bulkEndpoints,
                                                std::string driver) {
    _interfaces.push_back(Iface{cls, subclass, protocol, std::move(bulkEndpoints), 2, std::move(driver)});
    return *this;
}

DescriptorBuilder &DescriptorBuilder::hub() {
    deviceClass(0x09, 0, 1);
    _interfaces.push_back(Iface{0x09, 0, 0, {{0x81, 1}}, 3, "hub"});
    return *this;
}

DeviceSpec DescriptorBuilder::build() const {
    DeviceSpec spec;
    spec.speed = _speed;
    spec.source = "synthetic (DescriptorBuilder)";
    std::uint8_t nextString = 1;
    auto stringIndex = [&](const std::string &s) -> std::uint8_t {
        if (s.empty()) return 0;
        spec.strings[nextString] = s;
        return nextString++;
    };
    std::uint8_t iManufacturer = stringIndex(_manufacturer);
    std::uint8_t iProduct = stringIndex(_product);
    std::uint8_t iSerial = stringIndex(_serial);

    auto &d = spec.descriptors;
    d = {18, 1};
    put16(d, _bcdUsb);
    d.insert(d.end(), {_class, _subclass, _protocol, _maxPacket0});
    put16(d, _vid);
    put16(d, _pid);
    put16(d, _bcdDevice);
    d.insert(d.end(), {iManufacturer, iProduct, iSerial, 1});

    std::vector<std::uint8_t> body;
    std::uint8_t number = 0;
    for (const auto &iface : _interfaces) {
        body.insert(body.end(), {9, 4, number, 0, static_cast<std::uint8_t>(iface.endpoints.size()), iface.cls,
                                 iface.subclass, iface.protocol, 0});
        for (auto [address, maxPacket] : iface.endpoints) {
            body.insert(body.end(), {7, 5, address, iface.attributes});
            put16(body, maxPacket);
            body.push_back(iface.attributes == 3 ? 12 : 0);
        }
        if (!iface.driver.empty()) spec.drivers[number] = iface.driver;
        ++number;
    }
    std::uint16_t total = static_cast<std::uint16_t>(9 + body.size());
    d.insert(d.end(), {9, 2});
    put16(d, total);
    d.insert(d.end(), {number, 1, 0, 0x80, 50});
    d.insert(d.end(), body.begin(), body.end());
    return spec;
}

}  // namespace reemploi::testing::usb
