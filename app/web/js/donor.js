// A donor's page (donateur.html#TOKEN): the token is read from the address's hash (never sent in
// a Referer) and opens one donation: its units, what became of each, each disk's erasure and
// its certificate, and the signed traceability report (summary and downloads).
import { api, errorBox, ApiError } from './api.js';
import { h, clear, formatDate } from './dom.js';
import { t, lang, setLang } from './i18n.js';

// The certificate to read (PDF) and the signed text a data protection officer can check (JSON).
function certificateLinks(token, id) {
  const base = `/api/donor/${encodeURIComponent(token)}/certificates/${encodeURIComponent(id)}`;
  return h('span', { class: 'certificate' },
    h('a', { href: `${base}/pdf`, download: `${id}.pdf` }, t('donor.cert')), ' · ',
    h('a', { href: base, download: `${id}.json` }, t('donor.certJson')));
}

const top = document.getElementById('top');
const app = document.getElementById('app');
const token = location.hash.replace(/^#/, '').trim();
let data = null;
let failure = null;
let report = null;          // the signed report's JSON (GET /api/donor/TOKEN/report)
let reportFailed = false;

// The signed report: its summary, and its downloads in the page's language.
function reportSection() {
  const base = `/api/donor/${encodeURIComponent(token)}/report`;
  const file = (format) => `${base}?format=${format}&lang=${lang()}`;
  const stem = `rapport-don-${data.donation.id}`;
  const links = h('p', { class: 'report-links' },
    h('a', { href: file('pdf'), download: `${stem}.pdf` }, t('donor.report.pdf')), ' · ',
    h('a', { href: file('csv'), download: `${stem}.csv` }, t('donor.report.csv')), ' · ',
    h('a', { href: file('html'), download: `${stem}.html` }, t('donor.report.html')), ' · ',
    h('a', { href: file('json'), download: `${stem}.json` }, t('donor.report.json')), ' · ',
    h('a', { href: file('sig'), download: `${stem}.json.sig` }, t('donor.report.sig')));
  if (!report) {
    return h('section', { class: 'report' }, h('h2', {}, t('donor.report.title')),
      reportFailed ? h('p', {}, t('donor.report.unavailable')) : h('p', {}, t('loading')));
  }
  const totals = report.totals;
  const number = (v) => new Intl.NumberFormat(lang()).format(v);
  const impact = report.impact;
  return h('section', { class: 'report' },
    h('h2', {}, t('donor.report.title')),
    h('p', {}, t('donor.report.intro')),
    h('ul', { class: 'report-summary' },
      h('li', {}, t('donor.report.received', { n: totals.received })),
      h('li', {}, t('donor.report.reused', { n: totals.reused })),
      h('li', {}, t('donor.report.recycled', { n: totals.recycled })),
      h('li', {}, t('donor.report.pending', { n: totals.pending })),
      h('li', {}, t('donor.report.media', { done: totals.media.sanitized + totals.media.destroyed, total: totals.media.total }))),
    h('p', {}, t('donor.report.impact', { kg: number(impact.kg_ewaste_avoided), co2: number(impact.kg_co2e_avoided) })),
    h('p', { class: 'report-source' }, t('donor.report.source', { source: impact.co2e_source })),
    links,
    h('p', { class: 'report-verify' }, t('donor.report.verify', { command: report.verification.check_report })));
}

function render() {
  document.documentElement.lang = lang();
  document.title = `${t('donor.title')} — reemploi`;
  clear(top, h('p', { class: 'brand' }, 'reemploi'),
    h('div', { class: 'tools' }, h('button', { type: 'button', class: 'lang', lang: lang() === 'fr' ? 'en' : 'fr', 'aria-label': t('lang.switch.label'),
      onClick: () => { setLang(lang() === 'fr' ? 'en' : 'fr'); render(); } }, t('lang.switch'))));
  if (!token) return clear(app, h('h1', {}, t('donor.title')), h('p', { class: 'error', role: 'alert' }, t('donor.noToken')));
  if (failure) {
    return clear(app, h('h1', {}, t('donor.title')), failure instanceof ApiError && failure.status === 404
      ? h('p', { class: 'error', role: 'alert' }, t('donor.bad')) : errorBox(failure, h));
  }
  if (!data) return clear(app, h('p', {}, t('loading')));
  const units = data.units.map((u) => h('li', { class: `card donor-unit ${u.outcome}` },
    h('h3', {}, [t(`kind.${u.kind}`), u.make, u.model].filter(Boolean).join(' '), u.donor_tag ? ` (${u.donor_tag})` : ''),
    h('p', { class: `outcome ${u.outcome}` }, t(`donor.outcome.${u.outcome}`)),
    h('ul', { class: 'media' }, u.storage.map((m) => h('li', {},
      h('strong', {}, t('donor.disk', { type: m.type.toUpperCase(), model: m.model || '' })), ' — ',
      m.destroyed ? t('donor.destroyed') : m.erasures.length ? m.erasures.map((e) => h('span', {},
        t('donor.erased', { date: formatDate(e.ended_at), method: e.method, level: e.level }), ' ',
        e.certificate_id ? certificateLinks(token, e.certificate_id) : null)) : t('donor.notErased'))))));
  clear(app, h('h1', {}, t('donor.title')),
    h('p', {}, t('donor.intro')),
    h('p', {}, t('donor.from', { donor: data.donor, received: formatDate(data.donation.received) })),
    h('p', { class: 'summary' }, t('donor.summary', { n: data.units.length }),
      ['reused', 'in_progress', 'parts', 'recycled'].map((o) => ({ o, n: data.units.filter((u) => u.outcome === o).length }))
        .filter((x) => x.n).map((x) => ` ${t(`donor.outcome.${x.o}`)} : ${x.n}.`)),
    reportSection(),
    h('h2', {}, t('donor.units')),
    h('ul', { class: 'donor-units' }, units));
}

async function start() {
  render();
  if (!token) return;
  try {
    data = await api('GET', `/api/donor/${encodeURIComponent(token)}`);
  } catch (err) {
    failure = err;
  }
  render();
  if (failure) return;
  try {
    report = await api('GET', `/api/donor/${encodeURIComponent(token)}/report?format=json`);
  } catch (err) {
    reportFailed = true;
  }
  render();
}

start();
