// fuzz_seeds FIXTURES DATA OUT: the first corpus of every fuzz target, from the tests' fixtures
// (tests/fixtures) and the shipped data (diagnostics/data): files copied as they are, hex dumps
// turned into the bytes a device sends, images into the barcode target's format, a well-behaved
// USB drive's side of the conversation, and a freshly signed certificate.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <jpeglib.h>

#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/labels/Decode.hpp>

using namespace reemploi;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeSeed(const fs::path &out, const std::string &target, const std::string &name, const std::string &bytes) {
    fs::create_directories(out / target);
    std::ofstream(out / target / name, std::ios::binary) << bytes;
}

std::string bytesOf(const std::vector<std::uint8_t> &v) { return std::string(v.begin(), v.end()); }

// "NNN: XXXX XXXX …" rows after `section` in the .ata fixture: words (little-endian in the
// buffer, as ATA sends them) or bytes.
std::vector<std::uint8_t> ataSection(const std::string &text, const std::string &section, bool words) {
    std::istringstream in(text);
    std::string line;
    bool inside = false;
    std::vector<std::uint8_t> out;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line.find(':') == std::string::npos) {
            inside = line == section;
            continue;
        }
        if (!inside) continue;
        std::istringstream row(line.substr(line.find(':') + 1));
        std::string token;
        while (row >> token) {
            unsigned value = std::stoul(token, nullptr, 16);
            out.push_back(static_cast<std::uint8_t>(value & 0xff));
            if (words) out.push_back(static_cast<std::uint8_t>(value >> 8));
        }
    }
    return out;
}

std::string jpeg(const labels::GreyImage &img, bool progressive) {
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = static_cast<JDIMENSION>(img.width);
    cinfo.image_height = static_cast<JDIMENSION>(img.height);
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 75, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        auto *row = const_cast<JSAMPLE *>(img.pixels.data() + static_cast<std::size_t>(cinfo.next_scanline) * img.width);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::string out(reinterpret_cast<char *>(buffer), size);
    std::free(buffer);
    return out;
}

// Nearest-neighbour reduction to at most `side` pixels a side.
labels::GreyImage shrink(const labels::GreyImage &img, int side) {
    const int f = std::max({1, (img.width + side - 1) / side, (img.height + side - 1) / side});
    labels::GreyImage out{img.width / f, img.height / f, {}};
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) out.pixels.push_back(img.at(x * f, y * f));
    return out;
}

// The usb_storage target's input for a drive that answers everything well (see FuzzDock).
class DockScript {
public:
    void command() { _b.push_back(3); }  // the CBW goes out
    void dataIn(const std::vector<std::uint8_t> &data) {
        _b.push_back(3);
        _b.push_back(static_cast<std::uint8_t>(data.size() & 0xff));
        _b.push_back(static_cast<std::uint8_t>(data.size() >> 8));
        _b.insert(_b.end(), data.begin(), data.end());
    }
    void status(std::uint8_t st) { _b.push_back(static_cast<std::uint8_t>(4 | st << 6)); }
    void raw(std::initializer_list<std::uint8_t> bytes) { _b.insert(_b.end(), bytes); }
    // A command with data in, then its status; a CHECK CONDITION is followed by REQUEST SENSE.
    void in(const std::vector<std::uint8_t> &data, const std::vector<std::uint8_t> &sense = {}) {
        command();
        if (!data.empty()) dataIn(data);
        status(sense.empty() ? 0 : 1);
        if (!sense.empty()) {
            command();
            dataIn(sense);
            status(0);
        }
    }
    std::string bytes() const { return bytesOf(_b); }

private:
    std::vector<std::uint8_t> _b{0};  // flags: ATA pass-through, 16-byte commands
};

std::vector<std::uint8_t> ataReturnSense(std::uint8_t lbaLow, std::uint8_t lbaMid, std::uint8_t lbaHigh) {
    // Descriptor sense (0x72), RECOVERED ERROR / ATA PASS THROUGH INFORMATION AVAILABLE, with the
    // ATA Status Return descriptor (0x09) carrying the registers.
    return {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, lbaLow, 0x00, lbaMid, 0x00,
            lbaHigh, 0x40, 0x50};
}


// The tablet's side of an ADB conversation for the adb_session target: messages "built from
// parts" (see FuzzTablet there): a selector byte, the command's index, arg0, arg1, length, data.
class TabletScript {
public:
    void message(int command, std::uint32_t arg0, std::uint32_t arg1, const std::string &data = {}) {
        _bytes += static_cast<char>(0x12);
        _bytes += static_cast<char>(command);
        for (std::uint32_t v : {arg0, arg1})
            for (int i = 0; i < 4; ++i) _bytes += static_cast<char>(v >> (8 * i));
        _bytes += static_cast<char>(data.size() & 0xff);
        _bytes += static_cast<char>(data.size() >> 8);
        _bytes += data;
    }
    // OKAY, the output in WRTEs of at most 4096 bytes, CLSE: one shell command's answer.
    void answer(std::uint32_t local, const std::string &output) {
        enum { Okay = 3, Clse = 4, Wrte = 5 };
        message(Okay, 7, local);
        for (std::size_t at = 0; at < output.size(); at += 4096) message(Wrte, 7, local, output.substr(at, 4096));
        message(Clse, 7, local);
    }
    const std::string &bytes() const { return _bytes; }

private:
    std::string _bytes;
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: fuzz_seeds FIXTURES_DIR DATA_DIR OUT_DIR\n");
        return 2;
    }
    const fs::path fixtures = argv[1], data = argv[2], out = argv[3];

    for (const auto &e : fs::directory_iterator(fixtures / "intake")) {
        if (!e.is_regular_file()) continue;
        const std::string text = readFile(e.path());
        for (const char *t : {"csv", "donor_list", "columns", "values"}) writeSeed(out, t, e.path().filename(), text);
    }

    for (const auto &e : fs::directory_iterator(fixtures / "intake" / "images")) {
        if (e.path().extension() != ".png") continue;
        const std::string name = e.path().stem();
        writeSeed(out, "image", name + ".png", readFile(e.path()));
        auto img = labels::loadGreyImage(e.path());
        if (!img) continue;
        auto small = shrink(*img, 160);
        writeSeed(out, "image", name + ".jpg", jpeg(small, false));
        writeSeed(out, "image", name + "-progressive.jpg", jpeg(small, true));
        std::string barcode;
        barcode += static_cast<char>(small.width - 1);
        barcode += static_cast<char>(small.height - 1);
        barcode += static_cast<char>(0x03);  // try harder, rotate
        barcode.append(small.pixels.begin(), small.pixels.end());
        writeSeed(out, "barcode", name, barcode);
    }

    const std::string ata = readFile(fixtures / "storage" / "samsung-870-qvo-4tb.ata");
    const auto identify = ataSection(ata, "identify", true), smart = ataSection(ata, "smart", false);
    writeSeed(out, "ata_identify", "samsung-870-qvo", bytesOf(identify) + bytesOf(smart));

    // The probe's recorded machines: EDIDs, SMBIOS tables, cpuinfo; their snapshots; NVMe pages.
    for (const auto &machine : fs::directory_iterator(fixtures / "probe")) {
        if (!machine.is_directory()) continue;
        const std::string name = machine.path().filename().string();
        for (const auto &e : fs::recursive_directory_iterator(machine.path() / "sys/class/drm"))
            if (e.path().filename() == "edid" && fs::file_size(e.path()) > 0)
                writeSeed(out, "probe_machine", name + "-edid", readFile(e.path()));
        writeSeed(out, "probe_machine", name + "-smbios", readFile(machine.path() / "sys/firmware/dmi/tables/DMI"));
        writeSeed(out, "probe_machine", name + "-cpuinfo", readFile(machine.path() / "proc/cpuinfo"));
        diagnostics::probe::ProbeOptions options;
        options.root = machine.path();
        if (auto s = diagnostics::probe::probeMachine(options)) {
            writeSeed(out, "probe_snapshot", name, diagnostics::probe::snapshotJson(*s));
            // With a stick's wipe record (schema 2's wipes), signed and not.
            if (s->disks.empty()) continue;
            diagnostics::probe::InPlaceWipe w;
            w.disk = s->disks[0].name;
            w.serial = "S3Z-SEED";
            w.sizeBytes = s->disks[0].sizeBytes;
            w.method = "clear-zero";
            w.level = "clear";
            w.passes = {"zero"};
            w.verification = "sample";
            w.verificationResult = "passed";
            w.result = "passed";
            w.startedAt = "2026-12-01T09:00:00.000Z";
            w.endedAt = "2026-12-01T09:41:40.000Z";
            w.durationSeconds = 2500.25;
            w.throughputMBps = 100.02;
            w.lastLba = 1234;
            w.errors = {{17, "read error"}};
            s->wipes = {w};
            writeSeed(out, "probe_snapshot", name + "-wipe", diagnostics::probe::snapshotJson(*s));
            w.certificate = R"({"format":"reemploi-sanitization-certificate/1","signed":"on the machine"})";
            w.signature = std::string(128, 'a');
            s->wipes.push_back(w);
            writeSeed(out, "probe_snapshot", name + "-wipes-signed", diagnostics::probe::snapshotJson(*s));
        }
    }
    for (const auto &e : fs::directory_iterator(fixtures / "storage" / "nvme")) {
        std::string bytes;
        std::istringstream in(readFile(e.path()));
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream row(line.substr(line.find(':') + 1));
            for (std::string hex; row >> hex;) bytes += static_cast<char>(std::stoul(hex, nullptr, 16));
        }
        writeSeed(out, "nvme_pages", e.path().stem().string(), bytes);
    }

    std::vector<std::uint8_t> inquiry = {0x00, 0x00, 0x06, 0x02, 31, 0, 0, 0};
    for (char c : std::string("ATA     Samsung SSD 870 2B6Q")) inquiry.push_back(static_cast<std::uint8_t>(c));
    inquiry.resize(36, ' ');
    writeSeed(out, "scsi_sense", "inquiry", bytesOf(inquiry));
    writeSeed(out, "scsi_sense", "fixed-illegal-request",
              bytesOf({0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0}));
    writeSeed(out, "scsi_sense", "descriptor-ata-return", bytesOf(ataReturnSense(0xff, 0x4f, 0xc2)));

    DockScript dock;
    dock.raw({3, 1, 0});                       // Get Max LUN: one byte, LUN 0
    dock.in({});                               // TEST UNIT READY
    dock.in(inquiry);                          // INQUIRY
    std::vector<std::uint8_t> vpd = {0x00, 0x80, 0x00, 15};
    for (char c : std::string("S5STNF0W706332M")) vpd.push_back(static_cast<std::uint8_t>(c));
    dock.in(vpd);                              // unit serial number VPD page
    dock.in({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00});  // READ CAPACITY (10): past 2 TiB
    std::vector<std::uint8_t> cap16(32, 0);
    const std::uint64_t last = 7'814'037'167;  // 4 TB in 512-byte sectors
    for (int i = 0; i < 8; ++i) cap16[i] = static_cast<std::uint8_t>(last >> (56 - 8 * i));
    cap16[10] = 0x02;
    dock.in(cap16);                            // READ CAPACITY (16)
    dock.in(identify);                         // IDENTIFY DEVICE (open)
    dock.in(identify);                         // IDENTIFY DEVICE (smart)
    dock.in(smart);                            // SMART READ DATA
    dock.in({}, ataReturnSense(0x00, 0x4f, 0xc2));  // SMART RETURN STATUS: healthy
    dock.in({}, ataReturnSense(0xaf, 0xcb, 0x3a));  // READ NATIVE MAX ADDRESS
    dock.in(std::vector<std::uint8_t>(512, 0));      // DEVICE CONFIGURATION IDENTIFY
    dock.in(std::vector<std::uint8_t>(512, 0));      // READ (10) of sector 0
    dock.in({}, ataReturnSense(0x00, 0x00, 0x00));  // SANITIZE STATUS
    writeSeed(out, "usb_storage", "samsung-870-qvo-in-a-dock", dock.bytes());

    for (const auto &e : fs::directory_iterator(fixtures / "usb")) {
        if (e.path().extension() != ".usbdev") continue;
        std::istringstream in(readFile(e.path()));
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            if (line.rfind("string ", 0) != 0) continue;
            std::string text = line.substr(line.find(' ', 7) + 1);
            std::string descriptor(1, static_cast<char>(2 + 2 * text.size()));
            descriptor += '\x03';
            for (char c : text) descriptor += std::string{c, '\0'};
            writeSeed(out, "usb_string", e.path().stem().string() + "-" + std::to_string(++n), descriptor);
        }
    }
    // usb_ids and device_table: the ids to look up (JMicron JMS578, mass storage), then the text.
    const std::string ids("\x2d\x15\x78\x05\x08\x06\x50", 7);
    writeSeed(out, "usb_ids", "usb.ids.sample", ids + readFile(fixtures / "usb" / "usb.ids.sample"));
    writeSeed(out, "device_table", "devices.tsv",
              std::string("\x2d\x15\x78\x05\x00\x00\x00\x01\x08\x06\x50", 11) + readFile(data / "devices.tsv"));


    // Tablets: each command's output through its parser (android_facts: the parser's number
    // first), a whole conversation (adb_session), and an iPad's four lockdown domains (ios_info).
    const std::pair<const char *, int> outputs[] = {{"getprop.txt", 0},      {"dumpsys-battery.txt", 1},
                                                    {"df-data.txt", 2},      {"meminfo.txt", 3},
                                                    {"wm-size.txt", 4},      {"wm-density.txt", 5},
                                                    {"dumpsys-display.txt", 6}, {"dumpsys-account.txt", 7}};
    for (const char *tablet : {"xiaomi-pad-6", "asus-tf201"}) {
        const fs::path dir = fixtures / "android" / tablet;
        for (const auto &[file, parser] : outputs)
            if (fs::exists(dir / file))
                writeSeed(out, "android_facts", std::string(tablet) + "-" + file,
                          std::string(1, static_cast<char>(parser)) + readFile(dir / file));
        auto output = [&](const char *file) { return fs::exists(dir / file) ? readFile(dir / file) : std::string(); };
        TabletScript t;
        t.message(0, 0x01000001, 4096, "device::ro.product.name=pipa;ro.product.model=23043RP34G;features=cmd");
        std::uint32_t local = 0;
        t.answer(++local, output("getprop.txt"));
        t.answer(++local, output("dumpsys-battery.txt"));
        t.answer(++local, "cat: /sys/class/power_supply/battery/cycle_count: Permission denied\n");
        t.answer(++local, "cat: /sys/class/power_supply/battery/charge_full: Permission denied\n");
        for (const char *file : {"df-data.txt", "meminfo.txt", "wm-size.txt", "wm-density.txt", "dumpsys-display.txt",
                                 "dumpsys-account.txt", "reset-denied.txt"})
            t.answer(++local, output(file));
        t.answer(++local, "");  // reboot:recovery
        writeSeed(out, "adb_session", tablet, t.bytes());
    }
    writeSeed(out, "android_facts", "banner", std::string(1, '\x08') + "device::ro.product.name=pipa;ro.product.model=23043RP34G;features=cmd,stat_v2");
    // A configuration descriptor with the ADB interface (ff/42/01) and its two bulk endpoints.
    writeSeed(out, "android_facts", "adb-configuration",
              bytesOf({9, 0x09, 0x20, 0, 1, 1, 0, 0x80, 250, 9, 0x04, 0, 0, 2, 0xff, 0x42, 0x01, 0, 7, 0x05, 0x81, 0x02,
                       0x00, 0x02, 0, 7, 0x05, 0x01, 0x02, 0x00, 0x02, 0})
                  .insert(0, 1, '\x09'));
    for (const auto &e : fs::directory_iterator(fixtures / "ios")) {
        if (!e.is_directory()) continue;
        std::string domains;
        for (const char *file : {"lockdown.txt", "com.apple.fmip.txt", "com.apple.disk_usage.txt",
                                 "com.apple.mobile.battery.txt"})
            domains += (domains.empty() ? "" : "\xff") + readFile(e.path() / file);
        writeSeed(out, "ios_info", e.path().filename().string(), domains);
    }

    // What browsers and scripts send the web server (the first byte sets the pieces' sizes): a
    // signed-in read, a sign-in with Expect: 100-continue then an HTTP/1.0 request, a chunked
    // upload with a trailer then a HEAD.
    writeSeed(out, "http_request", "get",
              "\x05GET /api/units/RE-000001?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
              "Cookie: a=1; reemploi_session=0123456789abcdef\r\n\r\n");
    writeSeed(out, "http_request", "post-continue",
              "\x09POST /api/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
              "Expect: 100-continue\r\n\r\n{\"a\":\"b12\"}GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    writeSeed(out, "http_request", "chunked",
              "\x11POST /api/imports HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\n"
              "X-Trailer: 1\r\n\r\nHEAD / HTTP/1.1\r\n\r\n");

    std::string keyDir = (fs::temp_directory_path() / "reemploi-seeds-XXXXXX").string();
    if (mkdtemp(keyDir.data())) {
        auto key = diagnostics::storage::WorkshopKey::loadOrCreate(keyDir + "/key.pem");
        fs::remove_all(keyDir);
        diagnostics::storage::CertificateFields f;
        f.id = "RC-20261123-1a2b3c4d";
        f.manufacturer = "Samsung";
        f.model = "SSD 870 QVO 4TB";
        f.serial = "S5STNF0W706332M";
        f.unitTag = "RE-000042";
        f.result = "passed";
        f.errors.push_back({});
        if (key)
            if (auto c = diagnostics::storage::issueCertificate(f, *key)) writeSeed(out, "certificate", "issued.json", c->json);
    }
    return 0;
}
