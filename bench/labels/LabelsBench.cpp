// Labels benchmark. (1) Render 1,000 distinct labels (Code 128 + QR + text) to PNG files at
// 300 dpi, and in the same run make the same 1,000 Code 128 and 1,000 QR images with zint's
// batch mode (two processes, one per symbology); print both times and the ratio.
// (2) Median time to read the tag from a 1600x1200 photo-like image, on one core.
#include <cairo.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Render.hpp>

using namespace reemploi::labels;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLabels = 1000;
const char *kBase = "https://reemploi.example.org/u/";

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds (user + system) of this process, and of its finished children: the machine is
// shared, so wall time depends on who else runs; CPU time is the work each side did.
double processCpu() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
}
double childrenCpu() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

std::string tagOf(int i) {
    char tag[16];
    std::snprintf(tag, sizeof tag, "RE-%06d", i);
    return tag;
}

LabelData labelOf(int i) {
    static const char *makes[] = {"Lenovo", "Dell", "HP", "Apple", "Samsung", "Acer", "Asus", "Fujitsu"};
    static const char *models[] = {"ThinkPad T480", "Latitude 5490", "EliteBook 840 G5", "MacBook Air 2017",
                                   "Galaxy Tab A", "TravelMate P2", "VivoBook 15", "Lifebook U747"};
    static const char *grades[] = {"A", "B", "C"};
    LabelData d;
    d.tag = tagOf(i);
    d.kind = i % 4 == 0 ? "Tablette" : "Portable";
    d.make = makes[i % 8];
    d.model = models[(i / 8) % 8];
    d.grade = grades[i % 3];
    d.wipeStatus = WipeStatus::Wiped;
    d.wipeDate = "2026-11-" + std::to_string(10 + i % 18);
    d.site = i % 2 ? "Atelier de Vénissieux" : "Atelier Lyon 7e";
    return d;
}

// A phone photo of a label lying on a desk: a textured, unevenly lit background, the label
// turned and enlarged, some clutter, blur and sensor noise.
GreyImage photo(const Page &page, int width, int height, unsigned seed) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    cairo_pattern_t *light = cairo_pattern_create_linear(0, 0, width, height);
    cairo_pattern_add_color_stop_rgb(light, 0, 0.55, 0.5, 0.45);
    cairo_pattern_add_color_stop_rgb(light, 1, 0.3, 0.28, 0.25);
    cairo_set_source(cr, light);
    cairo_paint(cr);
    cairo_pattern_destroy(light);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 40; ++i) {  // clutter: papers, cables, stickers
        cairo_set_source_rgb(cr, u(rng), u(rng), u(rng));
        cairo_rectangle(cr, u(rng) * width, u(rng) * height, 20 + u(rng) * 200, 5 + u(rng) * 120);
        cairo_fill(cr);
    }
    GreyImage label = rasterize(page);
    cairo_surface_t *ls = cairo_image_surface_create(CAIRO_FORMAT_RGB24, label.width, label.height);
    cairo_surface_flush(ls);
    for (int y = 0; y < label.height; ++y) {
        auto *row = reinterpret_cast<std::uint32_t *>(cairo_image_surface_get_data(ls) +
                                                       static_cast<std::size_t>(y) * cairo_image_surface_get_stride(ls));
        for (int x = 0; x < label.width; ++x) {
            const std::uint32_t v = label.at(x, y) * 235 / 255 + 10;
            row[x] = 0xff000000u | (v << 16) | (v << 8) | v;
        }
    }
    cairo_surface_mark_dirty(ls);
    cairo_translate(cr, width * 0.52, height * 0.47);
    cairo_rotate(cr, 4 * M_PI / 180);
    cairo_scale(cr, 1.9, 1.9);
    cairo_set_source_surface(cr, ls, -label.width / 2.0, -label.height / 2.0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(ls);
    cairo_surface_flush(s);
    GreyImage out{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height)};
    std::normal_distribution<double> noise(0, 5);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            // 3x3 box blur of the green channel: the lens is a little soft.
            int sum = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int yy = std::clamp(y + dy, 0, height - 1), xx = std::clamp(x + dx, 0, width - 1);
                    sum += (reinterpret_cast<const std::uint32_t *>(cairo_image_surface_get_data(s) +
                                                                    static_cast<std::size_t>(yy) * cairo_image_surface_get_stride(s))[xx] >> 8) & 0xff;
                }
            out.pixels[static_cast<std::size_t>(y) * width + x] =
                static_cast<std::uint8_t>(std::clamp(sum / 9.0 + noise(rng), 0.0, 255.0));
        }
    }
    cairo_surface_destroy(s);
    return out;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char **argv) {
    // --save-photo FILE: keep the decode benchmark's photo, to look at or to profile with.
    const std::string savePhoto = argc == 3 && std::string(argv[1]) == "--save-photo" ? argv[2] : "";
    // Files go to memory (/dev/shm) when it is there, so that both sides are timed on their own
    // work rather than on the disk's inode allocation, which varies from run to run.
    char tmpl[] = "/dev/shm/reemploi-bench-labels-XXXXXX";
    char fallback[] = "/tmp/reemploi-bench-labels-XXXXXX";
    const char *made = std::filesystem::is_directory("/dev/shm") ? mkdtemp(tmpl) : nullptr;
    const std::filesystem::path dir = made ? made : mkdtemp(fallback);
    const Media media = *parseMedia("62x29");
    LayoutOptions options;
    options.dpi = 300;
    options.qrBaseUrl = kBase;

    // (1) Ours: layout (text measured and fitted), both symbols, text, PNG file, per label.
    std::printf("labels: %d distinct 62x29 mm labels at 300 dpi (Code 128 + QR M + 4 text lines) to PNG files\n",
                kLabels);
    // The first label loads the fonts (fontconfig, FreeType): timed apart, then the batch.
    auto start = Clock::now();
    {
        auto first = layoutLabel(labelOf(0), media, options);
        if (!first || !renderPng(paginate({*first})[0])) return 1;
    }
    const double firstLabel = secondsSince(start);
    start = Clock::now();
    const double cpuStart = processCpu();
    std::size_t bytes = 0;
    for (int i = 1; i <= kLabels; ++i) {
        auto layout = layoutLabel(labelOf(i), media, options);
        if (!layout) {
            std::fprintf(stderr, "bench_labels: %s\n", layout.error().message.c_str());
            return 1;
        }
        auto png = renderPng(paginate({*layout})[0]);
        if (!png) return 1;
        std::ofstream((dir / ("ours-" + std::to_string(i) + ".png")).string(), std::ios::binary) << *png;
        bytes += png->size();
    }
    const double ours = secondsSince(start);
    const double oursCpu = processCpu() - cpuStart;

    // Baseline: zint --batch, one run per symbology, same data, same module size (6 px = 0.5 mm
    // at 300 dpi: zint's --scale counts half X-dimensions), Code 128 with its text line.
    double zint = -1, zintCpu = -1;
    if (std::system("command -v zint >/dev/null 2>&1") == 0) {
        std::ofstream tags((dir / "tags.txt").string()), urls((dir / "urls.txt").string());
        for (int i = 1; i <= kLabels; ++i) {
            tags << tagOf(i) << '\n';
            urls << kBase << tagOf(i) << '\n';
        }
        tags.close();
        urls.close();
        const std::string d = dir.string();
        start = Clock::now();
        const double childStart = childrenCpu();
        const int a = std::system(("zint --batch -b 20 --scale=3 --height=14 --filetype=png -i " + d + "/tags.txt -o " + d +
                                   "/zc~~~~.png >/dev/null 2>&1")
                                      .c_str());
        const int b = std::system(("zint --batch -b 58 --secure=2 --scale=3 --filetype=png -i " + d + "/urls.txt -o " + d +
                                   "/zq~~~~.png >/dev/null 2>&1")
                                      .c_str());
        zint = secondsSince(start);
        zintCpu = childrenCpu() - childStart;
        if (a != 0 || b != 0 || !std::filesystem::exists(dir / "zc1000.png") || !std::filesystem::exists(dir / "zq1000.png")) {
            std::fprintf(stderr, "bench_labels: zint failed (%d, %d)\n", a, b);
            zint = -1;
        }
    }
    std::printf("  ours : %6.3f s CPU (%.3f ms/label), %6.3f s wall; %.1f KiB/label (1-bit PNG); first label, "
                "loading fonts: %.1f ms\n",
                oursCpu, oursCpu * 1000 / kLabels, ours, bytes / 1024.0 / kLabels, firstLabel * 1000);
    if (zint > 0) {
        std::printf("  zint : %6.3f s CPU (%.3f ms/label), %6.3f s wall; batch mode, %d Code 128 + %d QR images, "
                    "no layout\n",
                    zintCpu, zintCpu * 1000 / kLabels, zint, kLabels, kLabels);
        std::printf("  ratio: zint/ours = %.2f on CPU time, %.2f on wall time (>= 1: we are at least as fast)\n",
                    zintCpu / oursCpu, zint / ours);
    } else {
        std::printf("  zint : not installed, no baseline\n");
    }

    // (2) Decode: the tag from a photo of a 203-dpi label.
    auto layout = layoutLabel(labelOf(123), media, LayoutOptions{203, kBase});
    const GreyImage picture = photo(paginate({*layout})[0], 1600, 1200, 7);
    if (!savePhoto.empty()) std::ofstream(savePhoto, std::ios::binary) << *encodePng(picture);
    struct Run {
        const char *what;
        DecodeOptions options;
    };
    DecodeOptions ours2;
    ours2.formats = {"Code128", "QRCode"};
    const Run runs[] = {{"all formats (label scan)", DecodeOptions{}}, {"Code128 + QRCode only", ours2}};
    std::printf("decode: 1600x1200 photo-like image (label turned 4 deg, x1.9, blurred, noisy, cluttered), one core\n");
    for (const Run &r : runs) {
        std::vector<double> times;
        std::size_t found = 0;
        for (int i = 0; i < 21; ++i) {
            start = Clock::now();
            auto result = decode(picture, r.options);
            times.push_back(secondsSince(start) * 1000);
            if (!result) return 1;
            found = 0;
            for (const auto &b : *result)
                if (b.text == tagOf(123) || b.text == kBase + tagOf(123)) ++found;
        }
        std::printf("  %-26s median %6.1f ms (min %.1f, max %.1f), symbols with the tag found: %zu/2 (target < 30 ms)\n",
                    r.what, median(times), *std::min_element(times.begin(), times.end()),
                    *std::max_element(times.begin(), times.end()), found);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
