// Tablets and phones on the bench: each plugged device with its plain-language name and state,
// its diagnosis (battery, storage, lock) stored on the unit on screen, and the factory reset with
// its honest result: when Android refuses it (Android 8 and later), what to do by hand, then
// recording that reset. Included by the bench page (bench.js).
import { api, errorBox } from './api.js';
import { h, clear } from './dom.js';
import { t, has as known } from './i18n.js';

const PORTABLE = ['tablet', 'phone'];

function gb(bytes) {
  if (bytes === null || bytes === undefined) return null;
  return (bytes / 1e9).toLocaleString(document.documentElement.lang || 'fr', { maximumFractionDigits: 1 });
}

function word(prefix, value) {
  return value && known(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value || '';
}

// The diagnosis as a short list a trainee reads: battery, storage, lock.
function factsList(f) {
  const items = [];
  const b = f.battery || {};
  if (f.platform === 'ios') {
    items.push([t('tab.battery'), f.battery_percent != null ? `${f.battery_percent} %` : t('tab.notRead')]);
  } else if (b.read === false) {
    items.push([t('tab.battery'), t('tab.notRead')]);
  } else {
    const parts = [];
    if (b.level_percent != null) parts.push(t('tab.battery.level', { n: b.level_percent }));
    if (b.health) parts.push(t('tab.battery.health', { health: word('tab.health', b.health) }));
    if (b.health_percent != null) parts.push(t('tab.battery.capacity', { n: b.health_percent }));
    if (b.cycles != null) parts.push(t('tab.battery.cycles', { n: b.cycles }));
    items.push([t('tab.battery'), parts.join(' · ') || t('tab.notRead')]);
  }
  items.push([t('tab.storage'), f.data_total_bytes != null
    ? t('tab.storage.value', { total: gb(f.data_total_bytes), free: gb(f.data_free_bytes) ?? '?' }) : t('tab.notRead')]);
  if (f.platform === 'ios') {
    items.push([t('tab.ios'), f.ios_version || '—']);
  } else {
    items.push([t('tab.android'), f.android_version ? `${f.android_version}${f.sdk ? ` (SDK ${f.sdk})` : ''}` : '—']);
    items.push([t('tab.encryption'), word('tab.encryption', f.encryption)]);
  }
  return h('dl', { class: 'facts-list' }, items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// The lock: what it means for a family, and what to do.
function lockBox(f) {
  if (f.platform === 'ios') {
    const state = f.activation_lock;
    if (state === 'off') return h('p', { class: 'ok' }, t('tab.lock.ios.off'));
    return h('div', { class: 'error', role: 'alert' },
      h('p', {}, t(state === 'on' ? 'tab.lock.ios.on' : 'tab.lock.ios.unknown')),
      f.lock_advice ? h('p', { class: 'detail' }, t('err.detail', { message: f.lock_advice })) : null);
  }
  if (f.account_lock_risk) {
    return h('div', { class: 'error', role: 'alert' },
      h('p', {}, t('tab.lock.google', { n: f.google_accounts ?? '?' })),
      h('p', {}, t('tab.lock.google.how')));
  }
  return h('p', { class: 'ok' }, t('tab.lock.android.off'));
}

export function tabletsSection({ currentUnit, onRecorded }) {
  const list = h('ul', { class: 'tablet-list' });
  const note = h('p', { class: 'hint', 'aria-live': 'polite' });
  const section = h('section', { class: 'card tablets', 'aria-labelledby': 'tablets-title' },
    h('h2', { id: 'tablets-title' }, t('tab.title')),
    h('p', { class: 'hint' }, t('tab.hint')),
    note, list,
    h('button', { type: 'button', class: 'secondary', onClick: () => load() }, t('tab.refresh')));
  const outcomes = new Map();  // target → the element showing its last diagnosis or reset

  function unitFor() {
    const unit = currentUnit();
    return unit && PORTABLE.includes(unit.kind) ? unit : null;
  }

  function stateText(d) {
    if (d.state === 'ready') return null;
    return h('p', { class: d.state === 'unreachable' || d.state === 'no_access' ? 'error' : 'notice' },
      t(`tab.state.${d.state}`), d.detail && d.state !== 'no_debugging' ? h('span', { class: 'detail' }, ` ${t('err.detail', { message: d.detail })}`) : null);
  }

  async function diagnose(d, box) {
    const unit = unitFor();
    clear(box, h('p', { role: 'status' }, t('tab.diagnosing')));
    try {
      const f = await api('POST', '/api/tablets/diagnose', unit ? { target: d.target, unit: unit.tag } : { target: d.target });
      const name = f.name || [f.manufacturer, f.model].filter(Boolean).join(' ');
      clear(box,
        h('h3', {}, t('tab.diagnosis', { name })),
        unit ? h('p', { class: 'ok', role: 'status' }, t('tab.stored', { tag: unit.tag })) : h('p', { class: 'notice' }, t('tab.notStored')),
        factsList(f), lockBox(f),
        f.platform === 'android' ? resetControls(d, f, box) : h('p', { class: 'hint' }, t('tab.ios.reset')));
      if (unit && onRecorded) onRecorded();
    } catch (err) {
      clear(box, errorBox(err, h));
    }
  }

  function resetControls(d, f, box) {
    const unit = unitFor();
    if (!unit) return h('p', { class: 'notice' }, t('tab.reset.needUnit'));
    if (f.account_lock_risk) return h('p', { class: 'hint' }, t('tab.reset.afterAccount'));
    const button = h('button', { type: 'button', class: 'big danger', onClick: () => reset(d, unit, box, button) }, t('tab.reset', { tag: unit.tag }));
    return h('div', { class: 'step-actions' }, h('p', {}, t('tab.reset.explain')), button);
  }

  // Android 8 and later refuse the reset over ADB: the device restarts into recovery, and the
  // page says what to do there, then records the reset done by hand.
  function byHand(unit, r) {
    const done = h('div', { 'aria-live': 'polite' });
    return h('div', { class: 'by-hand' },
      h('p', { class: 'notice', role: 'status' }, r.outcome === 'recovery_by_hand' ? t('tab.reset.recovery') : t('tab.reset.refused')),
      r.device_said ? h('p', { class: 'detail' }, t('tab.reset.said', { said: r.device_said })) : null,
      h('ol', { class: 'by-hand-steps' },
        (r.outcome === 'recovery_by_hand' ? ['r1', 'r2', 'r3', 'r4'] : ['s1', 's2', 's3']).map((k) => h('li', {}, t(`tab.hand.${k}`)))),
      h('button', { type: 'button', class: 'big', onClick: async () => {
        try {
          await api('POST', `/api/units/${encodeURIComponent(unit.tag)}/factory-reset`, { checked_setup_screen: true });
          clear(done, h('p', { class: 'ok', role: 'status' }, t('tab.hand.recorded', { tag: unit.tag })));
          if (onRecorded) onRecorded();
        } catch (err) { clear(done, errorBox(err, h)); }
      } }, t('tab.hand.record')),
      done);
  }

  // The button stays pressed once the request is sent: a second reset of the same tablet would
  // only confuse (it is restarting, or waiting for the trainee in recovery).
  async function reset(d, unit, box, button) {
    button.disabled = true;
    const status = h('p', { role: 'status', class: 'notice' }, t('tab.reset.running'));
    box.append(status);
    try {
      const r = await api('POST', '/api/tablets/reset', { target: d.target, unit: unit.tag });
      status.remove();
      if (r.reset) {
        box.append(h('div', { class: 'ok', role: 'status' },
          h('p', {}, t('tab.reset.done', { level: word('tab.level', r.level) })),
          h('p', { class: 'detail' }, r.why || ''),
          r.certificate ? h('p', {}, t('tab.reset.certificate', { id: r.certificate })) : null));
        if (onRecorded) onRecorded();
      } else {
        box.append(byHand(unit, r));
      }
    } catch (err) {
      status.remove();
      box.append(errorBox(err, h));
      button.disabled = false;  // nothing happened: it may be tried again once fixed
    }
  }

  function render(devices, usb) {
    if (!devices.length) {
      clear(list, h('li', {}, t(usb ? 'tab.none' : 'tab.none.noUsb')));
      return;
    }
    clear(list, devices.map((d) => {
      let box = outcomes.get(d.target || d.where);
      if (!box) { box = h('div', { class: 'tablet-outcome', 'aria-live': 'polite' }); outcomes.set(d.target || d.where, box); }
      const kind = d.platform === 'ios' ? t('tab.kind.ios') : t('tab.kind.android');
      return h('li', { class: 'tablet' },
        h('p', { class: 'tablet-name' }, h('strong', {}, d.name || kind), d.name ? ` — ${kind}` : '', h('span', { class: 'where' }, ` (${d.where})`)),
        stateText(d),
        d.state === 'ready' || d.state === 'unauthorized'
          ? h('button', { type: 'button', class: 'big', onClick: () => diagnose(d, box) },
            unitFor() ? t('tab.diagnose.unit', { tag: unitFor().tag }) : t('tab.diagnose'))
          : null,
        box);
    }));
  }

  async function load() {
    try {
      const answer = await api('GET', '/api/tablets');
      render(answer.devices || [], answer.usb);
    } catch (err) {
      clear(list, h('li', {}, errorBox(err, h)));
    }
  }

  load();
  // A unit's activation lock, as last read: on or unknown keeps it from `ready`, so the bench says
  // so at once, with what to ask the donor.
  async function showLock(unit, where) {
    try {
      const lock = await api('GET', `/api/units/${encodeURIComponent(unit.tag)}/device-lock`);
      if (lock.state !== 'on' && lock.state !== 'unknown') return;
      where.prepend(h('div', { class: 'error', role: 'alert' },
        h('p', {}, t(lock.state === 'on' ? 'tab.lock.unit.on' : 'tab.lock.unit.unknown')),
        lock.detail ? h('p', { class: 'detail' }, t('err.detail', { message: lock.detail })) : null));
    } catch { /* the unit's page says the rest */ }
  }

  // Brings the section into view with the focus on its first action (the bench's hint for tablets).
  function focus() {
    const first = section.querySelector('.tablet-list button, button');
    section.scrollIntoView({ block: 'start' });
    if (first) first.focus();
  }

  return { element: section, refresh: load, focus, showLock, announce: (text) => { note.textContent = text; } };
}
