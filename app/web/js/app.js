// The web app's entry: sign-in, then the page of the signed-in role, chosen by the address's
// hash (#bench, #scan, #intake, #coord, #audit); sign-out and the language switch in the header.
import { api, setCsrf, ApiError, errorBox } from './api.js';
import { h, clear, field } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { benchPage } from './bench.js';
import { scanPage } from './scan.js';
import { intakePage } from './intake.js';
import { coordPage } from './coord.js';
import { needsPage } from './needs.js';
import { loansPage } from './loans.js';
import { auditPage } from './audit.js';

const top = document.getElementById('top');
const app = document.getElementById('app');
let me = null;
let leave = null;  // the current page's clean-up (closes its event stream)

const pages = {
  bench: { title: 'nav.bench', render: benchPage, coordinator: false },
  scan: { title: 'nav.scan', render: scanPage, coordinator: false },
  intake: { title: 'nav.intake', render: intakePage, coordinator: true },
  coord: { title: 'nav.coord', render: coordPage, coordinator: true },
  // A mediator sees only its school's needs; coordinators reach them too.
  needs: { title: 'nav.needs', render: needsPage, coordinator: true, mediator: true },
  loans: { title: 'nav.loans', render: loansPage, coordinator: true },
  audit: { title: 'nav.audit', render: auditPage, coordinator: true },
};

const isCoordinator = () => me && (me.role === 'coordinator' || me.role === 'admin');
const isMediator = () => me && me.role === 'mediator';
const allowed = (p) => (isMediator() ? p.mediator === true : !p.coordinator || isCoordinator());

function currentPage() {
  const name = location.hash.replace(/^#/, '');
  if (pages[name] && allowed(pages[name])) return name;
  if (isMediator()) return 'needs';
  return isCoordinator() ? 'coord' : 'bench';
}

function langButton(after) {
  return h('button', { type: 'button', class: 'lang', lang: lang() === 'fr' ? 'en' : 'fr', 'aria-label': t('lang.switch.label'),
    onClick: () => { setLang(lang() === 'fr' ? 'en' : 'fr'); after(); } }, t('lang.switch'));
}

function renderHeader() {
  const current = me ? currentPage() : null;
  const links = me ? Object.entries(pages)
    .filter(([, p]) => allowed(p))
    .map(([name, p]) => h('li', {}, h('a', { href: `#${name}`, 'aria-current': name === current ? 'page' : null }, t(p.title)))) : [];
  clear(top,
    h('p', { class: 'brand' }, 'reemploi'),
    me ? h('nav', { 'aria-label': t('nav.label') }, h('ul', {}, links)) : null,
    h('div', { class: 'tools' },
      me ? h('span', { class: 'who' }, t('signed.as', { name: me.name })) : null,
      langButton(render),
      me ? h('button', { type: 'button', class: 'secondary', onClick: signOut }, t('nav.signout')) : null));
}

async function signOut() {
  try { await api('POST', '/api/logout', {}); } catch { /* signed out either way */ }
  me = null;
  setCsrf('');
  location.hash = '';
  render();
}

function loginPage() {
  const name = h('input', { type: 'text', autocomplete: 'username', required: true, class: 'big-input' });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true, class: 'big-input' });
  const message = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'card login', onSubmit: async (e) => {
    e.preventDefault();
    clear(message);
    try {
      const session = await api('POST', '/api/login', { name: name.value.trim(), password: password.value });
      me = session;
      setCsrf(session.csrf);
      render();
    } catch (err) {
      password.value = '';
      clear(message, err instanceof ApiError && (err.status === 401 || err.status === 422)
        ? h('p', { class: 'error', role: 'alert' }, t('login.failed')) : errorBox(err, h));
      name.focus();
    }
  } },
  h('h1', {}, t('login.title')),
  field(t('login.name'), name),
  field(t('login.password'), password),
  h('button', { type: 'submit', class: 'big' }, t('login.submit')),
  message);
  clear(app, form);
  name.focus();
}

function render() {
  document.documentElement.lang = lang();
  document.title = t('app.title');
  if (leave) { leave(); leave = null; }
  renderHeader();
  if (!me) return loginPage();
  const name = currentPage();
  document.title = `${t(pages[name].title)} — reemploi`;
  leave = pages[name].render(app, { me, isCoordinator: isCoordinator() }) || null;
}

window.addEventListener('hashchange', () => { if (me) render(); });

async function start() {
  document.documentElement.lang = lang();
  try {
    me = await api('GET', '/api/me');
    setCsrf(me.csrf);
  } catch {
    me = null;
  }
  render();
}

start();
