// The label font as cairo font faces, made once: selecting a face by name on every text line
// goes through fontconfig each time, which dominated rendering time.
#pragma once

#include <cairo.h>

#include <reemploi/labels/Label.hpp>

namespace reemploi::labels {

inline cairo_font_face_t *labelFontFace(bool bold) {
    static cairo_font_face_t *regular =
        cairo_toy_font_face_create(kLabelFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    static cairo_font_face_t *heavy = cairo_toy_font_face_create(kLabelFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    return bold ? heavy : regular;
}

}  // namespace reemploi::labels
