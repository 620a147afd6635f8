// Intake (coordinators): a donor's spreadsheet is checked (dry run: lines, errors by line and
// column, how each header was read), then imported, then the new units' labels printed.
import { api, ApiError, errorBox } from './api.js';
import { h, clear, field, fileField } from './dom.js';
import { t } from './i18n.js';

function table(headers, rows, caption) {
  return h('table', {}, caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? ''))))));
}

export function intakePage(root) {
  const donation = h('select', { required: true });
  const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain' });
  const skip = h('input', { type: 'checkbox' });
  const report = h('section', { 'aria-live': 'polite' });

  async function upload(dryRun) {
    const chosen = file.files && file.files[0];
    if (!chosen) { file.focus(); return null; }
    const query = `donation=${encodeURIComponent(donation.value)}&dry_run=${dryRun ? 1 : 0}&skip_invalid=${skip.checked ? 1 : 0}`;
    const body = new Blob([await chosen.arrayBuffer()], { type: 'text/csv' });
    return api('POST', `/api/imports/donor-list?${query}`, body);
  }

  // A file with invalid rows comes back as 422 with the report beside the error: the report (every
  // line and column at fault) is what the coordinator needs to fix the file.
  function reportOf(err) {
    return err instanceof ApiError && err.status === 422 && err.data && Array.isArray(err.data.errors) ? err.data : null;
  }

  function showReport(r) {
    const importable = skip.checked ? r.valid : (r.invalid ? 0 : r.valid);
    const importButton = h('button', { type: 'button', class: 'big', disabled: importable === 0, onClick: doImport }, t('intake.import', { n: r.valid }));
    clear(report, h('div', { class: 'card' },
      h('h2', {}, t('intake.check')),
      h('p', { class: r.invalid ? 'notice' : 'ok' }, t('intake.rows', { rows: r.rows, valid: r.valid, invalid: r.invalid })),
      r.errors && r.errors.length ? table([t('intake.line'), t('intake.column'), t('intake.message')],
        r.errors.map((e) => [String(e.line), e.column || e.field || '', e.message]), t('intake.errors')) : null,
      table([t('intake.header'), t('intake.field')], (r.columns || []).map((c) => [c.header, c.field || t('intake.ignored')]), t('intake.columns')),
      importButton));
    importButton.focus();
  }

  async function doImport() {
    try {
      const r = await upload(false);
      if (!r) return;
      const tags = r.tags || [];
      const printNote = h('p', { 'aria-live': 'polite' });
      clear(report, h('div', { class: 'card' },
        h('p', { class: 'ok', role: 'status' }, t('intake.created', { n: r.created })),
        h('button', { type: 'button', class: 'big', disabled: !tags.length, onClick: async () => {
          try {
            const out = await api('POST', '/api/labels/print', { tags });
            printNote.textContent = t('intake.printed', { n: (out && out.tags && out.tags.length) || tags.length });
          } catch (err) { clear(printNote, errorBox(err, h)); }
        } }, t('intake.print')),
        printNote,
        h('ul', { class: 'sheets' }, tags.map((tag) => h('li', {}, h('a', { href: `/api/units/${encodeURIComponent(tag)}/label?size=a4-3x8&format=pdf`, target: '_blank', rel: 'noopener' }, t('intake.sheet', { tag })))))));
    } catch (err) {
      const r = reportOf(err);
      if (r) { showReport(r); report.prepend(errorBox(err, h)); } else clear(report, errorBox(err, h));
    }
  }

  const form = h('form', { class: 'card', onSubmit: async (e) => {
    e.preventDefault();
    clear(report, h('p', {}, t('loading')));
    try {
      const r = await upload(true);
      if (r) showReport(r); else clear(report);
    } catch (err) {
      const r = reportOf(err);
      if (r) showReport(r); else clear(report, errorBox(err, h));
    }
  } },
  field(t('intake.donation'), donation),
  fileField(t('intake.file'), file),
  h('div', { class: 'field check' }, h('label', {}, skip, ' ', t('intake.skipInvalid'))),
  h('button', { type: 'submit', class: 'big' }, t('intake.check')));

  clear(root, h('h1', {}, t('intake.title')), form, report);
  api('GET', '/api/donations').then((list) => {
    if (!list.length) return clear(report, h('p', { class: 'notice' }, t('intake.noDonation')));
    clear(donation, list.slice().reverse().map((d) => h('option', { value: d.id }, t('coord.donation.line', { id: d.id, received: d.received, site: d.site || '' }))));
    return null;
  }).catch((err) => clear(report, errorBox(err, h)));
  donation.focus();
  return null;
}
