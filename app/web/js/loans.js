// Coordinators' lists of issue 25: open loans (or only the overdue ones) and connectivity kits
// (or only those whose plan ends soon).
import { api, errorBox } from './api.js';
import { h, clear, field } from './dom.js';
import { t } from './i18n.js';

function table(caption, headers, rows) {
  return h('table', {}, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? ''))))));
}

export function loansPage(root) {
  const loans = h('section', { class: 'card', 'aria-labelledby': 'loans-title' });
  const kits = h('section', { class: 'card', 'aria-labelledby': 'kits-title' });
  const overdue = h('input', { type: 'checkbox', id: 'loans-overdue' });
  const days = h('input', { type: 'number', min: 0, max: 3650 });

  async function loadLoans() {
    const head = h('h2', { id: 'loans-title' }, t('loans.title'));
    const filter = h('div', { class: 'field inline' }, overdue, ' ', h('label', { for: 'loans-overdue' }, t('loans.overdue')));
    try {
      const list = await api('GET', `/api/loans${overdue.checked ? '?overdue=1' : ''}`);
      clear(loans, head, filter, list.length
        ? table(t('loans.count', { n: list.length }), ['loans.unit', 'loans.need', 'loans.due', 'loans.late', 'loans.site'],
          list.map((l) => [l.unit, l.need, l.due, l.days_overdue ? t('loans.days', { n: l.days_overdue }) : '—', l.site || '—']))
        : h('p', {}, t(overdue.checked ? 'loans.noneOverdue' : 'loans.none')));
    } catch (err) { clear(loans, head, filter, errorBox(err, h)); }
  }

  async function loadKits() {
    const head = h('h2', { id: 'kits-title' }, t('kits.title'));
    const filter = h('form', { class: 'inline', onSubmit: (e) => { e.preventDefault(); loadKits(); } },
      field(t('kits.within'), days), h('button', { type: 'submit', class: 'secondary' }, t('kits.filter')));
    try {
      const query = days.value !== '' ? `?plan_ending_within=${encodeURIComponent(days.value)}` : '';
      const list = await api('GET', `/api/kits${query}`);
      clear(kits, head, filter, list.length
        ? table(t('kits.count', { n: list.length }), ['kits.tag', 'kits.kind', 'kits.id', 'kits.operator', 'kits.planEnd', 'kits.status', 'kits.need'],
          list.map((k) => [k.tag, t(`kits.kind.${k.kind}`), k.imei || k.iccid, k.operator || '—', k.plan_ends_on || '—',
            t(`kits.status.${k.status}`), k.need || '—']))
        : h('p', {}, t('kits.none')));
    } catch (err) { clear(kits, head, filter, errorBox(err, h)); }
  }

  overdue.addEventListener('change', loadLoans);
  clear(root, h('h1', {}, t('nav.loans')), loans, kits);
  loadLoans();
  loadKits();
}
