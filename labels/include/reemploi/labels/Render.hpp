// Renderers of laid-out labels: PNG and PDF through cairo, SVG, and ZPL II for thermal printers
// (which draw the barcodes themselves: ^BC, ^BQ, ^BX). One layout, four outputs; all draw
// the same modules at the same dots.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Label.hpp>

namespace reemploi::labels {

enum class RenderFormat { Png, Pdf, Svg, Zpl };
std::string_view toString(RenderFormat);
Result<RenderFormat> parseRenderFormat(std::string_view name);  // "png", "pdf", "svg", "zpl"

// A page as the printer prints it: one pixel per dot, black (0) or white (255), text not
// antialiased (what the PNG holds).
GreyImage rasterize(const Page &page);

// PNG file bytes of one page: 1 bit per printer dot, the dpi recorded in the pHYs chunk.
Result<std::string> renderPng(const Page &page);
// Any grey image as an 8-bit grey PNG; dpi 0 writes no resolution.
Result<std::string> encodePng(const GreyImage &image, int dpi = 0);
// PDF file bytes, one PDF page per page (a roll label is a page of its own size).
Result<std::string> renderPdf(const std::vector<Page> &pages);
// SVG document of one page, sized in millimetres, drawn in dots.
std::string renderSvg(const Page &page);
// ZPL II, one ^XA…^XZ format per label. InvalidInput for sheet media (ZPL printers use rolls).
Result<std::string> renderZpl(const std::vector<Layout> &layouts);

// Lays out every label, places them on pages and renders the file. PNG and SVG hold one page:
// more labels than fit on one page is InvalidInput (use PDF or ZPL).
Result<std::string> renderLabels(const std::vector<LabelData> &labels, const Media &media, RenderFormat format,
                                 const LayoutOptions &options);

}  // namespace reemploi::labels
