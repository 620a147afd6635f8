// The audit page (coordinators and admins): the journal's anchor to keep elsewhere (shown and
// downloaded), a verification of the whole journal with its progress, the export, and for admins
// the purge of personal data past its retention period (what would go first, then a confirmed purge).
import { api, errorBox } from './api.js';
import { h, clear, field, fileField, formatDate } from './dom.js';
import { t } from './i18n.js';

function number(n) {
  return Number(n || 0).toLocaleString(document.documentElement.lang || 'fr');
}

function headCard() {
  const body = h('div', { 'aria-live': 'polite' }, h('p', {}, t('loading')));
  async function load() {
    try {
      const head = await api('GET', '/api/audit/head');
      clear(body,
        h('p', {}, t('audit.head.explain')),
        h('dl', { class: 'facts-list' },
          h('dt', {}, t('audit.head.event')), h('dd', {}, number(head.id)),
          h('dt', {}, t('audit.head.when')), h('dd', {}, head.at ? `${formatDate(head.at)} ${head.at.slice(11, 16)} UTC` : '—'),
          h('dt', {}, t('audit.head.anchor')), h('dd', {}, h('code', { class: 'anchor' }, head.anchor))),
        h('a', { class: 'button big', href: '/api/audit/head?download=1', download: '' }, t('audit.head.download')));
    } catch (err) { clear(body, errorBox(err, h)); }
  }
  load();
  return { element: h('section', { class: 'card', 'aria-labelledby': 'audit-head' }, h('h2', { id: 'audit-head' }, t('audit.head.title')), body), load };
}

function verifyCard(onDone) {
  const file = h('input', { type: 'file', accept: '.txt,.jsonl,.json,text/plain' });
  const bar = h('progress', { max: 100, value: 0, class: 'wipe-bar', hidden: true, 'aria-label': t('audit.verify.progress') });
  const figures = h('p', { class: 'wipe-figures', 'aria-live': 'polite' });
  const outcome = h('div', { 'aria-live': 'assertive' });
  const start = h('button', { type: 'submit', class: 'big' }, t('audit.verify.start'));
  let timer = null;

  function show(job) {
    bar.hidden = false;
    bar.value = job.percent || 0;
    const phase = job.phase === 'compare' ? t('audit.verify.compare') : t('audit.verify.chain', { done: number(job.done), total: number(job.total) });
    figures.textContent = job.state === 'running' ? `${job.percent || 0} % · ${phase}` : '';
    if (job.state === 'failed') {
      clear(outcome, h('div', { class: 'error', role: 'alert' }, h('p', {}, t('audit.verify.failed')), h('p', { class: 'detail' }, t('err.detail', { message: job.error }))));
    } else if (job.state === 'done') {
      const r = job.report;
      const chain = r;  // audit verify --json: checked, redacted, first_broken_id, problem
      const lines = [];
      if (chain.first_broken_id) lines.push(t('audit.verify.broken', { id: chain.first_broken_id, problem: chain.problem || '' }));
      if (r.anchor_problem) lines.push(t('audit.verify.anchor', { problem: r.anchor_problem }));
      if (r.disagreement) lines.push(t('audit.verify.disagree', { what: r.disagreement }));
      clear(outcome, job.ok
        ? h('div', { class: 'ok', role: 'status' },
          h('p', {}, t('audit.verify.ok', { n: number(chain.checked) })),
          chain.redacted ? h('p', {}, t('audit.verify.redacted', { n: number(chain.redacted) })) : null,
          r.anchors_checked ? h('p', {}, t('audit.verify.anchors', { n: number(r.anchors_checked) })) : null,
          r.replayed ? h('p', {}, t('audit.verify.replayed')) : null)
        : h('div', { class: 'error', role: 'alert' }, h('p', {}, t('audit.verify.bad')), lines.map((l) => h('p', { class: 'detail' }, l)), h('p', {}, t('audit.verify.bad.what'))));
      if (onDone) onDone();
    }
  }

  async function poll(id) {
    try {
      const job = await api('GET', `/api/audit/verifications/${encodeURIComponent(id)}`);
      show(job);
      if (job.state === 'running') { timer = setTimeout(() => poll(id), 400); return; }
    } catch (err) { clear(outcome, errorBox(err, h)); }
    start.disabled = false;
  }

  const form = h('form', { onSubmit: async (e) => {
    e.preventDefault();
    clear(outcome);
    start.disabled = true;
    try {
      const body = {};
      const chosen = file.files && file.files[0];
      if (chosen) body.witnesses = await chosen.text();
      const job = await api('POST', '/api/audit/verifications', body);
      show(job);
      poll(job.id);
    } catch (err) {
      clear(outcome, errorBox(err, h));
      start.disabled = false;
    }
  } },
  h('p', {}, t('audit.verify.explain')),
  fileField(t('audit.verify.file'), file),
  h('p', { class: 'hint' }, t('audit.verify.file.hint')),
  start);
  return {
    element: h('section', { class: 'card', 'aria-labelledby': 'audit-verify' }, h('h2', { id: 'audit-verify' }, t('audit.verify.title')), form, bar, figures, outcome),
    stop: () => { if (timer) clearTimeout(timer); },
  };
}

function exportCard() {
  const since = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', value: '0', class: 'short' });
  const link = h('a', { class: 'button big', href: '/api/audit/export?since=0', download: '' }, t('audit.export.download'));
  since.addEventListener('input', () => {
    const n = since.value.trim();
    link.href = `/api/audit/export?since=${encodeURIComponent(/^\d+$/.test(n) ? n : '0')}`;
  });
  return h('section', { class: 'card', 'aria-labelledby': 'audit-export' },
    h('h2', { id: 'audit-export' }, t('audit.export.title')),
    h('p', {}, t('audit.export.explain')),
    field(t('audit.export.since'), since, t('audit.export.since.hint')),
    link);
}

function purgeCard() {
  const report = h('div', { 'aria-live': 'polite' });
  const understood = h('input', { type: 'checkbox' });
  const confirm = h('button', { type: 'button', class: 'big danger', disabled: true }, t('privacy.purge'));
  understood.addEventListener('change', () => { confirm.disabled = !understood.checked; });

  // Who is concerned, by name where the lists give it (an admin may see them): "Jeanne Martin (n° 2)".
  let names = { donors: new Map(), schools: new Map() };
  async function loadNames() {
    const [donors, schools] = await Promise.all([api('GET', '/api/donors').catch(() => []), api('GET', '/api/schools').catch(() => [])]);
    names = {
      donors: new Map((Array.isArray(donors) ? donors : []).map((d) => [d.id, d.name])),
      schools: new Map((Array.isArray(schools) ? schools : []).map((s) => [s.id, s.name])),
    };
  }
  const who = (ids, map) => (ids || []).map((i) => (map.get(i) ? `${map.get(i)} (n° ${i})` : `n° ${i}`)).join(', ');

  function summary(r) {
    const items = [
      t('privacy.donors', { n: r.donors, ids: r.donors ? t('privacy.list', { names: who(r.donor_ids, names.donors) }) : '' }),
      t('privacy.contacts', { n: r.contacts, ids: r.contacts ? t('privacy.list', { names: who(r.school_ids, names.schools) }) : '' }),
      t('privacy.sites', { n: r.site_contacts || 0, ids: r.site_contacts ? t('privacy.list', { names: (r.site_codes || []).join(', ') }) : '' }),
      t('privacy.fields', { n: r.donor_field_rows }),
      t('privacy.events', { n: r.events_redacted }),
    ];
    return h('ul', { class: 'purge-list' }, items.map((i) => h('li', {}, i)));
  }

  async function dryRun() {
    clear(report, h('p', {}, t('loading')));
    try {
      const [r] = await Promise.all([api('POST', '/api/privacy/purge', { dry_run: true }), loadNames()]);
      const nothing = !r.donors && !r.contacts && !r.site_contacts && !r.donor_field_rows && !r.events_redacted;
      understood.checked = false;
      confirm.disabled = true;
      clear(report,
        h('h3', {}, t('privacy.would')),
        summary(r),
        nothing ? h('p', { class: 'ok', role: 'status' }, t('privacy.nothing'))
          : h('div', { class: 'confirm' },
            h('p', { class: 'notice' }, t('privacy.warning')),
            h('div', { class: 'field check' }, h('label', {}, understood, ' ', t('privacy.understood'))),
            confirm));
    } catch (err) { clear(report, errorBox(err, h)); }
  }

  confirm.addEventListener('click', async () => {
    if (!understood.checked) return;
    confirm.disabled = true;
    try {
      const r = await api('POST', '/api/privacy/purge', { dry_run: false, confirm: true });
      clear(report, h('div', { class: 'ok', role: 'status' }, h('p', {}, t('privacy.done', { event: r.event ?? '—' })), summary(r)));
    } catch (err) {
      report.append(errorBox(err, h));
      confirm.disabled = false;
    }
  });

  return h('section', { class: 'card', 'aria-labelledby': 'privacy-title' },
    h('h2', { id: 'privacy-title' }, t('privacy.title')),
    h('p', {}, t('privacy.explain')),
    h('button', { type: 'button', class: 'big', onClick: dryRun }, t('privacy.dryrun')),
    report);
}

export function auditPage(root, { me }) {
  const head = headCard();
  const verify = verifyCard(() => head.load());
  clear(root,
    h('h1', {}, t('audit.title')),
    head.element,
    verify.element,
    exportCard(),
    me && me.role === 'admin' ? purgeCard() : h('p', { class: 'hint' }, t('privacy.adminOnly')));
  return () => verify.stop();
}
