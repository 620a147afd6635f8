// Coordination: the stock as bar charts, donations and their donors' links, schools and needs
// (import), the allocation (run, review, pin/exclude, confirm) and deliveries.
import { api, errorBox } from './api.js';
import { h, clear, field, fileField } from './dom.js';
import { t } from './i18n.js';
import { barChart } from './chart.js';

// A reason as the allocation gives it (codes and values), in the reader's language; the
// English text the server also sends is kept for a code this page does not know yet.
function reasonText(parts, fallback) {
  if (!Array.isArray(parts) || !parts.length) return fallback;
  let out = '';
  for (const p of parts) {
    const key = `reason.${p.code}`;
    // Kinds are words too: "laptop" is "portable" in French.
    const values = (p.values || []).map((v) => (t(`reason.word.${v}`) === `reason.word.${v}` ? v : t(`reason.word.${v}`)));
    const text = t(key, values);
    if (text === key) return fallback;
    out += (out ? (p.code === 'preferred' ? ' ' : ', ') : '') + text;
  }
  return out;
}

function table(headers, rows, caption) {
  return h('table', {}, caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? ''))))));
}

export function coordPage(root) {
  const stock = h('section', { class: 'card', 'aria-labelledby': 'stock-title' });
  const donations = h('section', { class: 'card', 'aria-labelledby': 'donations-title' });
  const schools = h('section', { class: 'card', 'aria-labelledby': 'schools-title' });
  const allocation = h('section', { class: 'card', 'aria-labelledby': 'alloc-title' });
  const delivery = h('section', { class: 'card', 'aria-labelledby': 'delivery-title' });

  async function loadStock() {
    try {
      const s = await api('GET', '/api/stock');
      const byStatus = Object.fromEntries(Object.entries(s.by_status).map(([k, v]) => [t(`status.${k}`), v]));
      const byKind = Object.fromEntries(Object.entries(s.by_kind).map(([k, v]) => [t(`kind.${k}`), v]));
      clear(stock, h('h2', { id: 'stock-title' }, t('coord.stock')),
        h('p', {}, t('coord.total', { units: s.units, donors: s.donors })),
        h('div', { class: 'charts' },
          h('figure', {}, h('figcaption', {}, t('coord.byStatus')), barChart(t('coord.byStatus'), byStatus, 'bar')),
          h('figure', {}, h('figcaption', {}, t('coord.byKind')), barChart(t('coord.byKind'), byKind, 'bar alt'))));
    } catch (err) { clear(stock, h('h2', { id: 'stock-title' }, t('coord.stock')), errorBox(err, h)); }
  }

  async function loadDonations() {
    const head = h('h2', { id: 'donations-title' }, t('coord.donations'));
    try {
      const list = await api('GET', '/api/donations');
      clear(donations, head, h('ul', { class: 'donations' }, list.slice().reverse().map((d) => {
        const out = h('div', { 'aria-live': 'polite' });
        return h('li', {}, h('span', {}, t('coord.donation.line', { id: d.id, received: d.received, site: d.site || '' })), ' ',
          h('button', { type: 'button', class: 'secondary', onClick: async () => {
            try {
              const link = await api('POST', '/api/donor-links', { donation: d.id });
              const url = h('input', { type: 'text', readOnly: true, value: link.url, class: 'wide' });
              clear(out, field(t('coord.link.made', { until: link.expires_at }), url));
              url.select();
            } catch (err) { clear(out, errorBox(err, h)); }
          } }, t('coord.link.create')), ' ',
          h('button', { type: 'button', class: 'secondary', onClick: async () => {
            try {
              const r = await api('POST', '/api/donor-links/revoke', { donation: d.id });
              clear(out, h('p', {}, t('coord.link.revoked', { n: r.revoked })));
            } catch (err) { clear(out, errorBox(err, h)); }
          } }, t('coord.link.revoke')), out);
      })));
    } catch (err) { clear(donations, head, errorBox(err, h)); }
  }

  function importForm(labelKey, path) {
    const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain' });
    const out = h('div', { 'aria-live': 'polite' });
    return h('form', { class: 'inline', onSubmit: async (e) => {
      e.preventDefault();
      const chosen = file.files && file.files[0];
      if (!chosen) { file.focus(); return; }
      try {
        await api('POST', `${path}?dry_run=0`, new Blob([await chosen.arrayBuffer()], { type: 'text/csv' }));
        clear(out, h('p', { class: 'ok' }, t('coord.import.done')));
        loadSchools();
      } catch (err) { clear(out, errorBox(err, h)); }
    } }, fileField(t(labelKey), file), h('button', { type: 'submit', class: 'secondary' }, t('coord.import.go')), out);
  }

  async function loadSchools() {
    const head = h('h2', { id: 'schools-title' }, t('coord.schools'));
    const forms = [importForm('coord.import.schools', '/api/imports/schools'), importForm('coord.import.needs', '/api/imports/needs')];
    try {
      const [s, n] = await Promise.all([api('GET', '/api/schools'), api('GET', '/api/needs?status=open')]);
      clear(schools, head, h('p', {}, t('coord.schools.count', { schools: s.length, needs: n.length })), forms);
    } catch (err) { clear(schools, head, errorBox(err, h), forms); }
  }

  function showProposal(p, out) {
    const confirmOut = h('div', { 'aria-live': 'polite' });
    const shares = (p.figures && p.figures.by_school) || [];
    const pinUnit = h('input', { type: 'text', autocomplete: 'off' });
    const pinNeed = h('input', { type: 'text', autocomplete: 'off' });
    const pinOut = h('div', { 'aria-live': 'polite' });
    const pin = async (body) => {
      try { await api('POST', '/api/pins', body); clear(pinOut, h('p', { class: 'ok' }, t('coord.pinned'))); } catch (err) { clear(pinOut, errorBox(err, h)); }
    };
    clear(out,
      p.assignments.length ? table([t('coord.unit'), t('coord.need'), t('coord.school'), t('coord.rank'), t('coord.reason'), ''],
        p.assignments.map((a) => [a.unit, a.need, a.school, String(a.rank), reasonText(a.reason_parts, a.reason),
          h('button', { type: 'button', class: 'secondary small', 'aria-label': `${t('coord.exclude')} ${a.unit}`, onClick: () => pin({ unit: a.unit, exclude: true }) }, t('coord.exclude'))]),
        t('coord.alloc.assignments')) : h('p', { class: 'notice' }, t('coord.alloc.none')),
      p.unmet.length ? table([t('coord.need'), t('coord.school'), t('coord.rank'), t('coord.reason')],
        p.unmet.map((m) => [m.need, m.school, String(m.rank), reasonText(m.why_parts, m.why)]), t('coord.alloc.unmet')) : null,
      shares.length ? table([t('coord.school'), t('coord.open'), t('coord.share'), t('coord.served')],
        shares.map((s) => [s.school, String(s.open), String(Math.round(s.share * 100) / 100), String(s.served)]), t('coord.alloc.shares')) : null,
      h('form', { class: 'inline', onSubmit: (e) => { e.preventDefault(); pin({ unit: pinUnit.value.trim(), need: pinNeed.value.trim() }); } },
        h('h3', {}, t('coord.pin')), field(t('coord.unit'), pinUnit), field(t('coord.need'), pinNeed),
        h('button', { type: 'submit', class: 'secondary' }, t('coord.pin.go')), pinOut),
      p.assignments.length ? h('button', { type: 'button', class: 'big', onClick: async () => {
        try {
          const r = await api('POST', '/api/allocations/confirm', {});
          clear(confirmOut, h('p', { class: 'ok', role: 'status' }, t('coord.alloc.confirmed', { n: r.allocated })));
          loadStock();
          loadSchools();
        } catch (err) { clear(confirmOut, errorBox(err, h)); }
      } }, t('coord.alloc.confirm')) : null,
      confirmOut);
  }

  function renderAllocation() {
    const out = h('div', { 'aria-live': 'polite' });
    clear(allocation, h('h2', { id: 'alloc-title' }, t('coord.alloc')),
      h('button', { type: 'button', class: 'big', onClick: async () => {
        try { showProposal(await api('POST', '/api/allocations', { dry_run: false }), out); } catch (err) { clear(out, errorBox(err, h)); }
      } }, t('coord.alloc.run')), out);
  }

  function renderDelivery() {
    const unit = h('input', { type: 'text', autocomplete: 'off' });
    const need = h('input', { type: 'text', autocomplete: 'off' });
    const out = h('div', { 'aria-live': 'polite' });
    clear(delivery, h('h2', { id: 'delivery-title' }, t('coord.delivery')),
      h('form', { class: 'inline', onSubmit: async (e) => {
        e.preventDefault();
        try {
          const u = await api('POST', '/api/deliveries', { unit: unit.value.trim(), need: need.value.trim() });
          clear(out, h('p', { class: 'ok' }, t('coord.delivered', { tag: u.tag })));
          loadStock();
        } catch (err) { clear(out, errorBox(err, h)); }
      } }, field(t('coord.unit'), unit), field(t('coord.need'), need), h('button', { type: 'submit', class: 'secondary' }, t('coord.delivery.go')), out));
  }

  clear(root, h('h1', {}, t('coord.title')), stock, allocation, donations, schools, delivery);
  loadStock();
  loadDonations();
  loadSchools();
  renderAllocation();
  renderDelivery();
  return null;
}
