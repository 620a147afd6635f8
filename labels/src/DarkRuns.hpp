// A placed symbol as rectangles in printer dots: each horizontal run of dark modules is one
// rectangle, and a linear symbol is one row drawn the bar height tall. Every renderer draws
// symbols this way, so bars stay whole dots whatever the output.
#pragma once

#include <reemploi/labels/Label.hpp>

namespace reemploi::labels {

// Calls `rect(x, y, width, height)` (dots) for every run of dark modules of `b`.
template <class Rect>
void forEachDarkRun(const PlacedBarcode &b, Rect &&rect) {
    const BitMatrix &m = b.matrix;
    const int rowHeight = m.linear() ? b.height : b.module;
    for (int y = 0; y < m.height; ++y) {
        int x = 0;
        while (x < m.width) {
            if (!m.get(x, y)) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < m.width && m.get(x, y)) ++x;
            rect(b.x + start * b.module, b.y + y * rowHeight, (x - start) * b.module, rowHeight);
        }
    }
}

}  // namespace reemploi::labels
