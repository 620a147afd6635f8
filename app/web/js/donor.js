// A donor's page (donateur.html#TOKEN): the token is read from the address's hash (never sent in
// a Referer) and opens one donation: its units, what became of each, each disk's erasure and
// its certificate.
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
}

start();
