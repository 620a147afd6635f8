// Horizontal bar charts in SVG, drawn from {label: value}: one bar per entry, its value written
// at its end, and the whole described for screen readers.
import { h } from './dom.js';

export function barChart(title, entries, colourClass = 'bar') {
  const rows = Object.entries(entries);
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const rowHeight = 34;
  const labelWidth = 230;
  const width = 760;
  const barSpace = width - labelWidth - 60;
  const height = Math.max(1, rows.length) * rowHeight + 8;
  const description = rows.map(([k, v]) => `${k} : ${v}`).join(', ');
  const svg = h('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title} — ${description}` },
    h('title', {}, `${title} — ${description}`));
  rows.forEach(([label, value], i) => {
    const y = i * rowHeight + 4;
    const w = Math.max(2, Math.round((value / max) * barSpace));
    svg.append(
      h('text', { x: labelWidth - 10, y: y + 24, 'text-anchor': 'end', class: 'chart-label' }, label),
      h('rect', { x: labelWidth, y, width: w, height: rowHeight - 8, rx: 4, class: colourClass }),
      h('text', { x: labelWidth + w + 8, y: y + 24, class: 'chart-value' }, String(value)));
  });
  return svg;
}
