// A small element builder: h('button', {class: 'big', onClick: fn}, 'text', child…).
// No innerHTML anywhere: text is always text.
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'rect', 'text', 'g', 'title', 'line'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'class') el.setAttribute('class', value);
    else if (name in el && !svg && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

let ids = 0;
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

// A label and its input, tied by id.
export function field(labelText, input, hint) {
  if (!input.id) input.id = uid('f');
  const parts = [h('label', { for: input.id }, labelText)];
  if (hint) {
    const hintId = uid('hint');
    input.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  parts.push(input);
  return h('div', { class: 'field' }, parts);
}

// A file input shown as a big button in the page's language (the browser's own "Choose File"
// follows the browser's language, not the page's), with the chosen file's name beside it.
export function fileField(labelText, input) {
  if (!input.id) input.id = uid('f');
  input.classList.add('visually-hidden');
  const name = h('span', { class: 'file-name' }, t('file.none'));
  input.addEventListener('change', () => { name.textContent = (input.files && input.files[0] && input.files[0].name) || t('file.none'); });
  return h('div', { class: 'field file' }, h('label', { for: input.id, class: 'file-button' }, labelText), input, ' ', name);
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(document.documentElement.lang || 'fr', { year: 'numeric', month: 'long', day: 'numeric' });
}
