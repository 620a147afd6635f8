// Scan in a row: one action chosen once, then each scan (+ Enter) is applied at once and listed
// with a colour and a beep, so that a box of laptops is checked in with the scanner alone.
import { api, errorBox } from './api.js';
import { h, clear, field } from './dom.js';
import { t } from './i18n.js';
import { beep } from './sound.js';

const ACTIONS = ['receive', 'shelf', 'labelled', 'handover'];
const STORE = 'reemploi.scan';

export function scanPage(root) {
  const saved = JSON.parse(sessionStorage.getItem(STORE) || '{}');
  let action = ACTIONS.includes(saved.action) ? saved.action : 'receive';
  let ok = 0;
  let errors = 0;
  const shelf = h('input', { type: 'text', autocomplete: 'off', value: saved.shelf || '' });
  const need = h('input', { type: 'text', autocomplete: 'off', value: saved.need || '' });
  const shelfField = field(t('scan.shelfName'), shelf);
  const needField = field(t('scan.need'), need);
  const code = h('input', { type: 'text', class: 'scan-input', autocomplete: 'off', spellcheck: false });
  const count = h('p', { class: 'count', role: 'status' }, t('scan.count', { ok, err: errors }));
  const list = h('ol', { class: 'scan-list', reversed: true, 'aria-live': 'polite', 'aria-label': t('scan.list') });

  function remember() {
    sessionStorage.setItem(STORE, JSON.stringify({ action, shelf: shelf.value, need: need.value }));
  }
  function showExtra() {
    shelfField.hidden = action !== 'shelf';
    needField.hidden = action !== 'handover';
  }

  const radios = h('fieldset', { class: 'actions' }, h('legend', {}, t('scan.action')),
    ACTIONS.map((a) => {
      const input = h('input', { type: 'radio', name: 'scan-action', value: a, checked: a === action,
        onChange: () => { action = a; remember(); showExtra(); } });
      return h('label', { class: 'choice' }, input, ' ', t(`scan.${a}`));
    }));

  let queue = Promise.resolve();
  function submit(value) {
    const item = h('li', { class: 'pending' }, `${value} …`);
    list.prepend(item);
    const body = { action, code: value };
    if (action === 'shelf') body.shelf = shelf.value.trim();
    if (action === 'handover') body.need = need.value.trim();
    // One after the other, in scan order, whatever the network does.
    queue = queue.then(async () => {
      try {
        const r = await api('POST', '/api/scan-actions', body);
        if (r.result === 'ok') {
          ok += 1;
          item.className = 'ok';
          item.textContent = `✔ ${t('scan.ok', { tag: r.unit.tag })} — ${[r.unit.make, r.unit.model].filter(Boolean).join(' ')}`;
          beep(true);
        } else {
          errors += 1;
          item.className = 'bad';
          clear(item, h('strong', {}, `✘ ${value} — ${t(`scan.why.${r.reason}`)}`), h('span', { class: 'detail' }, ` (${r.message})`));
          beep(false);
        }
      } catch (err) {
        errors += 1;
        item.className = 'bad';
        clear(item, `✘ ${value} — `, errorBox(err, h));
        beep(false);
      }
      count.textContent = t('scan.count', { ok, err: errors });
    });
  }

  const form = h('form', { class: 'scan-form', onSubmit: (e) => {
    e.preventDefault();
    const value = code.value.trim();
    code.value = '';
    if (value) submit(value);
    code.focus();
  } }, field(t('scan.code'), code, t('scan.hint')));

  shelf.addEventListener('input', remember);
  need.addEventListener('input', remember);
  // Enter in the shelf or need field goes on to the scan input rather than submitting.
  for (const input of [shelf, need]) input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); code.focus(); } });
  showExtra();
  clear(root, h('h1', {}, t('scan.title')), radios, shelfField, needField, form, count, list);
  code.focus();
  return null;
}
