// The bench: one big input takes a scanned tag or serial (+ Enter) and shows the unit with its
// ONE next step (register → diagnose → wipe → grade → label → ready); an unknown code opens the
// registration; plugged USB devices are listed live; a wipe shows its progress.
import { api, ApiError, errorBox } from './api.js';
import { h, clear, field, fileField } from './dom.js';
import { t, has as known } from './i18n.js';
import { tabletsSection } from './tablets.js';

const STEPS = ['register', 'diagnose', 'wipe', 'grade', 'label', 'ready'];
const KINDS = ['laptop', 'desktop', 'tablet', 'phone', 'monitor', 'printer', 'charger', 'mouse', 'keyboard', 'cable', 'other'];
const NEEDS_STORAGE = ['laptop', 'desktop', 'tablet', 'phone'];
const TAG = /^RE-\d+$/i;
const PORTABLE_KINDS = ['tablet', 'phone'];
// Diagnosed by their own check (POST /api/units/{tag}/check), not at the bench.
const ACCESSORY_KINDS = ['charger', 'mouse', 'keyboard', 'cable'];

function mediumState(unit, medium) {
  if (medium.destroyed) return 'destroyed';
  const passed = unit.sanitization.some((r) => r.medium === medium.id && r.result === 'passed');
  return passed ? 'erased' : 'pending';
}

function has(unit, action) {
  return unit.history.some((e) => e.action === action);
}

// What the trainee does next, read from the unit's page (status, media, grade, labels).
export function nextStep(unit) {
  const s = unit.status;
  if (s === 'received' || s === 'returned') return unit.kind === 'printer' || ACCESSORY_KINDS.includes(unit.kind) ? 'check' : 'diagnose';
  if (s === 'diagnosed') {
    // Media go through `wiped` (erase each, then mark); a unit without must say why it has none.
    if (unit.storage.length) return 'wipe';
    if (NEEDS_STORAGE.includes(unit.kind) && !has(unit, 'storage_declared')) return 'wipe';
  }
  if (s === 'diagnosed' || s === 'wiped') {
    if (!unit.grade && !ACCESSORY_KINDS.includes(unit.kind)) return 'grade';
    if (!has(unit, 'label_printed') && !has(unit, 'label_attached')) return 'label';
    return 'ready';
  }
  return null;  // ready or beyond, or out of the bench's flow
}

export function benchPage(root) {
  const closers = [];
  const code = h('input', { type: 'text', class: 'scan-input', autocomplete: 'off', spellcheck: false, autocapitalize: 'characters' });
  const result = h('section', { class: 'result', 'aria-live': 'polite' });
  const usbList = h('ul', { class: 'usb-list' });
  const usbNote = h('p', { class: 'hint', 'aria-live': 'polite' });
  let usbDevices = [];
  let shown = null;  // the unit on screen
  let wipe = null;   // the running wipe: {id, target, tag, bar, figures, outcome, cancel, card}
  let lastWipe = null;  // the finished wipe's card {tag, card}: kept above the unit's next step

  const photo = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'photo-input' });
  const photoNote = h('p', { 'aria-live': 'polite' });

  async function show(text) {
    const value = text.trim();
    if (!value) return;
    clear(result, h('p', {}, t('loading')));
    try {
      let tag = value;
      if (!TAG.test(value)) {
        const units = await api('GET', '/api/units');
        const matches = units.filter((u) => u.serial && u.serial.toUpperCase() === value.toUpperCase());
        if (matches.length > 1) return clear(result, h('p', { class: 'error', role: 'alert' }, t('bench.several', { tags: matches.map((u) => u.tag).join(', ') })));
        if (!matches.length) return registerForm(value);
        tag = matches[0].tag;
      }
      const unit = await api('GET', `/api/units/${encodeURIComponent(tag.toUpperCase())}/detail`);
      renderUnit(unit);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return registerForm(value);
      clear(result, errorBox(err, h));
    }
  }

  async function act(promise, after) {
    try {
      await promise;
      if (after) after();
      await reload();
    } catch (err) {
      result.prepend(errorBox(err, h));
    }
  }

  async function reload() {
    if (!shown) return;
    const unit = await api('GET', `/api/units/${encodeURIComponent(shown.tag)}/detail`);
    renderUnit(unit);
  }

  function stepList(current) {
    const at = current ? STEPS.indexOf(current === 'check' ? 'diagnose' : current) : STEPS.length;
    return h('ol', { class: 'steps', 'aria-label': t('steps.label') },
      STEPS.map((s, i) => h('li', { class: i < at ? 'done' : i === at ? 'current' : 'todo', 'aria-current': i === at ? 'step' : null }, t(`step.${s}`))));
  }

  function setStatus(status, reason) {
    return api('POST', `/api/units/${encodeURIComponent(shown.tag)}/status`, { status, reason });
  }

  function wipeControls(unit) {
    const pending = unit.storage.filter((m) => mediumState(unit, m) === 'pending');
    const box = h('div', { class: 'step-actions' });
    if (!unit.storage.length) {
      const spec = h('input', { type: 'text', autocomplete: 'off' });
      box.append(
        h('button', { type: 'button', class: 'big', onClick: () => act(api('POST', `/api/units/${encodeURIComponent(unit.tag)}/declare-storage`, { kind: 'absent', reason: t('do.noDisk.reason') })) }, t('do.noDisk')),
        h('form', { class: 'inline', onSubmit: (e) => { e.preventDefault(); act(api('POST', `/api/units/${encodeURIComponent(unit.tag)}/storage`, { spec: spec.value.trim() })); } },
          field(t('do.addDisk.spec'), spec), h('button', { type: 'submit', class: 'secondary' }, t('do.addDisk'))));
      return box;
    }
    if (unit.kind === 'tablet' || unit.kind === 'phone') {
      box.append(h('p', { class: 'hint' }, t('tab.fromBench')),
        h('button', { type: 'button', class: 'big', onClick: () => act(api('POST', `/api/units/${encodeURIComponent(unit.tag)}/factory-reset`, { checked_setup_screen: true })) }, t('do.factory')));
      return box;
    }
    const target = h('input', { type: 'text', autocomplete: 'off', list: 'usb-targets', class: 'wide' });
    // A USB disk is wiped through its port (usb:1-1.4, as `reemploi wipe` takes it).
    const targets = h('datalist', { id: 'usb-targets' }, usbDevices.filter((d) => d.handler === 'mass-storage' && d.port_path).map((d) => h('option', { value: `usb:${d.port_path}` }, deviceName(d))));
    const method = h('select', {}, h('option', { value: 'clear-zero' }, t('wipe.method.clear-zero')));
    api('GET', '/api/wipe-methods').then((methods) => {
      const list = Array.isArray(methods) ? methods : (methods && methods.methods) || [];
      // Drive methods only: a tablet's reset is in the tablets' section.
      if (list.length) clear(method, list.filter((m) => !m.targets || m.targets === 'drives').map((m) => h('option', { value: m.id }, known(`wipe.method.${m.id}`) ? t(`wipe.method.${m.id}`) : m.label || m.id)));
    }).catch(() => {});
    box.append(h('form', { class: 'wipe-form', onSubmit: async (e) => {
      e.preventDefault();
      const path = target.value.trim();
      if (!path) { target.focus(); return; }
      try {
        // No `verify`: each method's own verification (full or sample) applies.
        const session = await api('POST', '/api/wipes', { targets: [{ target: path, unit: unit.tag, medium: pending[0].id }], method: method.value });
        startProgress(session.id, path, unit.tag);
      } catch (err) {
        box.prepend(errorBox(err, h));
      }
    } },
    field(t('wipe.target'), target, t('wipe.target.hint')), targets,
    field(t('wipe.method'), method),
    h('button', { type: 'submit', class: 'big' }, t('do.wipe'))));
    return box;
  }

  function startProgress(id, target, tag) {
    const bar = h('progress', { max: 100, value: 0, class: 'wipe-bar', 'aria-label': t('wipe.progress', { target }) });
    const figures = h('p', { class: 'wipe-figures' }, '0 %');
    const outcome = h('div', { 'aria-live': 'assertive' });
    const cancel = h('button', { type: 'button', class: 'danger', onClick: () => api('POST', `/api/wipes/${encodeURIComponent(id)}/cancel`, {}).catch((err) => outcome.append(errorBox(err, h))) }, t('wipe.cancel'));
    const card = h('section', { class: 'card wipe' }, h('h2', {}, t('wipe.progress', { target })), bar, figures, cancel, outcome);
    wipe = { id: String(id), target, tag, bar, figures, outcome, cancel, card };
    lastWipe = null;
    clear(result, card);
    cancel.focus();
  }

  function formatTime(seconds) {
    if (seconds === undefined || seconds === null) return '';
    const s = Math.max(0, Math.round(seconds));
    const m = Math.floor(s / 60);
    return m ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
  }

  function onWipeProgress(p) {
    if (!wipe || String(p.session) !== wipe.id) return;
    const percent = Math.min(100, Math.max(0, Number(p.percent) || 0));
    wipe.bar.value = percent;
    const phase = p.phase && known(`wipe.phase.${p.phase}`) ? t(`wipe.phase.${p.phase}`) : p.phase || '';
    const parts = [`${percent.toFixed(0)} %`, phase, p.mb_s != null ? t('wipe.speed', { speed: p.mb_s }) : '', p.eta_s != null ? t('wipe.eta', { time: formatTime(p.eta_s) }) : ''];
    wipe.figures.textContent = parts.filter(Boolean).join(' · ');
  }

  function onWipeResult(r) {
    if (!wipe || String(r.session) !== wipe.id) return;
    const done = wipe;
    wipe = null;
    done.cancel.remove();
    if (r.result === 'passed') {
      done.bar.value = 100;
      done.figures.textContent = '100 %';  // the outcome below says the rest
      done.outcome.append(h('p', { class: 'ok', role: 'status' }, t('wipe.passed', { id: r.certificate_id || '' })));
    } else if (r.result === 'interrupted') {
      done.outcome.append(h('p', { class: 'error', role: 'alert' }, t('wipe.interrupted')));
    } else {
      done.outcome.append(h('p', { class: 'error', role: 'alert' }, t('wipe.failed', { why: r.failure || r.error || r.result })));
    }
    // The unit again, with its next step (mark as wiped, or the next disk), under the outcome.
    lastWipe = { tag: done.tag, card: done.card };
    reload().catch((err) => done.outcome.append(errorBox(err, h)));
  }

  function gradeControls(unit) {
    return h('div', { class: 'step-actions grades', role: 'group', 'aria-label': t('do.grade') },
      h('p', {}, t('do.grade')),
      ['A', 'B', 'C', 'D'].map((g) => h('button', { type: 'button', class: 'big grade', onClick: () => act(api('PATCH', `/api/units/${encodeURIComponent(unit.tag)}`, { grade: g })) }, t(`do.grade.${g}`))));
  }

  function labelControls(unit) {
    const note = h('p', { 'aria-live': 'polite' });
    return h('div', { class: 'step-actions' },
      h('button', { type: 'button', class: 'big', onClick: async () => {
        try {
          await api('POST', '/api/labels/print', { tags: [unit.tag] });
          // The unit again (its next step: ready), the confirmation above it: the controls holding
          // `note` are gone once it is redrawn.
          await reload();
          result.prepend(h('p', { class: 'ok', role: 'status' }, t('do.label.printed')));
        } catch (err) { clear(note, errorBox(err, h)); }
      } }, t('do.label')),
      h('a', { class: 'button secondary', href: `/api/units/${encodeURIComponent(unit.tag)}/label?size=62x29&format=pdf`, target: '_blank', rel: 'noopener' }, t('do.label.pdf')),
      h('button', { type: 'button', class: 'secondary', onClick: () => act(api('POST', '/api/scan-actions', { action: 'labelled', code: unit.tag })) }, t('do.label.skip')),
      note);
  }

  function stepControls(unit, step) {
    switch (step) {
      case 'diagnose':
        return h('div', { class: 'step-actions' },
          PORTABLE_KINDS.includes(unit.kind) ? h('p', { class: 'notice' }, t('tab.fromBench.diagnose'),
            h('button', { type: 'button', class: 'secondary', onClick: () => tablets.focus() }, t('tab.goto'))) : null,
          h('button', { type: 'button', class: 'big', onClick: () => act(setStatus('diagnosed', t('do.diagnose.reason'))) }, t('do.diagnose')),
          h('button', { type: 'button', class: 'secondary', onClick: () => act(setStatus('to_repair', t('do.diagnose.reason'))) }, t('do.repair')));
      case 'check': {
        // A printer prints a test page; an accessory works or not: the result is its diagnosis.
        const field = unit.kind === 'printer' ? 'test_page' : 'works';
        const check = (ok) => act(api('POST', `/api/units/${encodeURIComponent(unit.tag)}/check`, { [field]: ok }));
        return h('div', { class: 'step-actions' },
          h('button', { type: 'button', class: 'big', onClick: () => check(true) }, t(`do.check.${field}.yes`)),
          h('button', { type: 'button', class: 'secondary', onClick: () => check(false) }, t(`do.check.${field}.no`)));
      }
      case 'wipe': {
        const allDone = unit.storage.length && unit.storage.every((m) => mediumState(unit, m) !== 'pending');
        if (!allDone) return wipeControls(unit);
        return h('div', { class: 'step-actions' }, h('button', { type: 'button', class: 'big', onClick: () => act(setStatus('wiped', t('do.ready.reason'))) }, t('do.wiped')));
      }
      case 'grade': return gradeControls(unit);
      case 'label': return labelControls(unit);
      case 'ready':
        return h('div', { class: 'step-actions' }, h('button', { type: 'button', class: 'big', onClick: () => act(setStatus('ready', t('do.ready.reason'))) }, t('do.ready')));
      default: return null;
    }
  }

  function renderUnit(unit) {
    shown = unit;
    const step = nextStep(unit);
    const title = [t(`kind.${unit.kind}`), unit.make, unit.model].filter(Boolean).join(' ');
    const storage = unit.storage.length
      ? h('ul', { class: 'media' }, unit.storage.map((m) => h('li', { class: mediumState(unit, m) }, `${m.type} ${m.model || ''} ${m.serial || ''} — ${t(`bench.storage.${mediumState(unit, m)}`)}`)))
      : h('p', {}, t('bench.storage.none'));
    const history = unit.history.slice(-5).reverse().map((e) => h('li', {}, `${(e.at || '').replace('T', ' ').slice(0, 16)} · ${known(`ev.${e.action}`) ? t(`ev.${e.action}`) : e.action}${e.payload && e.payload.to ? ` → ${t(`status.${e.payload.to}`)}` : ''} · ${e.actor}`));
    const done = step === null
      ? h('p', { class: 'big-note' }, unit.status === 'ready' ? t('bench.done.ready') : t('bench.done.other', { status: t(`status.${unit.status}`) }))
      : null;
    const section = h('article', { class: 'card unit' },
      h('h2', {}, h('span', { class: 'tag' }, unit.tag), ' ', title),
      h('p', { class: 'facts' }, `${t('reg.serial')} : ${unit.serial || '—'} · ${t(`status.${unit.status}`)}${unit.grade ? ` · ${unit.grade}` : ''}${unit.location ? ` · ${unit.location}` : ''}`),
      stepList(step === null ? (unit.status === 'ready' ? null : 'ready') : step),
      h('h3', {}, t('bench.step'), step ? ` : ${t(`step.${step}`)}` : ''),
      done,
      step ? stepControls(unit, step) : null,
      h('h3', {}, t('bench.storage')), storage,
      unit.attached_to ? h('p', { class: 'facts' }, t('bench.attachedTo', { tag: unit.attached_to })) : null,
      (unit.accessories || []).length
        ? [h('h3', {}, t('bench.accessories')),
          h('ul', { class: 'accessories' }, unit.accessories.map((a) => h('li', {}, `${a.tag} · ${t(`kind.${a.kind}`)} ${a.make || ''} ${a.model || ''} · ${t(`status.${a.status}`)}`)))]
        : null,
      h('h3', {}, t('bench.history')), h('ul', { class: 'history' }, history));
    clear(result, section);
    if (PORTABLE_KINDS.includes(unit.kind)) {
      tablets.refresh();
      tablets.showLock(unit, section);
    }
    if (lastWipe && lastWipe.tag === unit.tag) result.prepend(lastWipe.card);
    else lastWipe = null;
    const first = section.querySelector('.step-actions button.big, .step-actions input');
    if (first && document.activeElement !== code) first.focus();
  }

  async function registerForm(codeText) {
    shown = null;
    const serialGuess = TAG.test(codeText) ? '' : codeText;
    const donation = h('select', { required: true });
    const kind = h('select', {}, KINDS.map((k) => h('option', { value: k }, t(`kind.${k}`))));
    const serial = h('input', { type: 'text', value: serialGuess, autocomplete: 'off' });
    const make = h('input', { type: 'text', autocomplete: 'off' });
    const model = h('input', { type: 'text', autocomplete: 'off' });
    const storage = h('input', { type: 'text', autocomplete: 'off' });
    const message = h('div', { 'aria-live': 'assertive' });
    const form = h('form', { class: 'card register', onSubmit: async (e) => {
      e.preventDefault();
      clear(message);
      const body = { donation: Number(donation.value), kind: kind.value, serial: serial.value.trim(), make: make.value.trim(), model: model.value.trim() };
      if (storage.value.trim()) body.storage = storage.value.split(/[ ,]+/).filter(Boolean);
      try {
        const unit = await api('POST', '/api/units', body);
        code.value = unit.tag;
        const detail = await api('GET', `/api/units/${encodeURIComponent(unit.tag)}/detail`);
        renderUnit(detail);
        result.prepend(h('p', { class: 'ok', role: 'status' }, t('reg.done', { tag: unit.tag })));
      } catch (err) {
        clear(message, errorBox(err, h));
        const named = { donation, kind, serial, make, model, storage }[err.field];
        if (named) named.focus();
      }
    } },
    h('p', { class: 'notice', role: 'status' }, t('bench.unknown', { code: codeText })),
    h('h2', {}, t('reg.title')),
    field(t('reg.donation'), donation), field(t('reg.kind'), kind), field(t('reg.serial'), serial),
    field(t('reg.make'), make), field(t('reg.model'), model), field(t('reg.storage'), storage),
    h('button', { type: 'submit', class: 'big' }, t('reg.submit')), message);
    clear(result, form);
    try {
      const donations = await api('GET', '/api/donations');
      clear(donation, donations.slice().reverse().map((d) => h('option', { value: d.id }, t('coord.donation.line', { id: d.id, received: d.received, site: d.site || '' }))));
    } catch (err) { clear(message, errorBox(err, h)); }
    kind.focus();
  }

  function deviceName(d) {
    return d.name || [d.vendor, d.product].filter(Boolean).join(' ') || `${d.vid || ''}:${d.pid || ''}`;
  }

  function renderUsb() {
    if (!usbDevices.length) return clear(usbList, h('li', {}, t('usb.none')));
    clear(usbList, usbDevices.map((d) => h('li', {}, h('strong', {}, deviceName(d)), d.handler_label ? ` — ${d.handler_label}` : '', d.port_path || d.port ? ` (port ${d.port_path || d.port})` : '')));
  }

  async function loadUsb() {
    try {
      const list = await api('GET', '/api/usb/devices');
      usbDevices = Array.isArray(list) ? list : (list && list.devices) || [];
      renderUsb();
    } catch (err) {
      clear(usbList, h('li', {}, err instanceof ApiError && err.status === 404 ? t('err.unavailable') : err.advice ? err.advice() : String(err)));
      if (err instanceof ApiError && err.detail) usbList.append(h('li', { class: 'detail' }, t('err.detail', { message: err.detail })));
    }
  }

  photo.addEventListener('change', async () => {
    const file = photo.files && photo.files[0];
    if (!file) return;
    photoNote.textContent = t('bench.photo.reading');
    try {
      const read = await api('POST', '/api/scan', file);
      if (!read || !read.serial) { photoNote.textContent = t('bench.photo.none'); return; }
      photoNote.textContent = t('bench.photo.found', { serial: read.serial });
      code.value = read.serial;
      show(read.serial);
    } catch (err) {
      clear(photoNote, errorBox(err, h));
    } finally {
      photo.value = '';
    }
  });

  // Tablets and phones: their own section, refreshed with the USB list.
  const tablets = tabletsSection({ currentUnit: () => shown, onRecorded: () => reload().catch(() => {}) });

  const events = new EventSource('/api/events');
  events.addEventListener('usb', (e) => {
    const d = JSON.parse(e.data);
    usbNote.textContent = t(d.event === 'left' ? 'usb.left' : 'usb.arrived', { name: deviceName(d) });
    loadUsb();
    tablets.refresh();
  });
  events.addEventListener('wipe-progress', (e) => onWipeProgress(JSON.parse(e.data)));
  events.addEventListener('wipe-result', (e) => onWipeResult(JSON.parse(e.data)));
  // The session ended: a result missed (the stream reconnecting, or sent before the start's answer
  // came back) is read from the session itself.
  events.addEventListener('wipe-finished', (e) => {
    const { session } = JSON.parse(e.data);
    if (!wipe || String(session) !== wipe.id) return;
    api('GET', `/api/wipes/${encodeURIComponent(session)}`).then((s) => {
      const ended = (s.targets || []).find((x) => x.result);
      if (ended) onWipeResult(ended.result);
    }).catch((err) => { if (wipe) wipe.outcome.append(errorBox(err, h)); });
  });
  closers.push(() => events.close());

  clear(root,
    h('h1', {}, t('bench.title')),
    h('form', { class: 'scan-form', onSubmit: (e) => { e.preventDefault(); show(code.value); code.select(); } },
      field(t('bench.code'), code, t('bench.code.hint')),
      h('button', { type: 'submit', class: 'big' }, t('bench.search'))),
    h('div', { class: 'photo' }, fileField(t('bench.photo'), photo), photoNote),
    result,
    tablets.element,
    h('section', { class: 'card usb', 'aria-labelledby': 'usb-title' }, h('h2', { id: 'usb-title' }, t('usb.title')), usbNote, usbList));
  code.focus();
  loadUsb();
  return () => closers.forEach((c) => c());
}
