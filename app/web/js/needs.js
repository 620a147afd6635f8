// A school's needs, as its mediator keeps them (the census of households without a device): the
// list, and a form that registers a family's need or updates an open one. A mediator sees its
// own school or structure only (the server refuses the others) and no unit; a coordinator
// chooses the structure.
import { api, errorBox } from './api.js';
import { h, clear, field } from './dom.js';
import { t } from './i18n.js';

function select(options, value) {
  return h('select', {}, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

export function needsPage(root, { me }) {
  const isMediator = me.role === 'mediator';
  let structure = isMediator ? me.structure : '';
  let needs = [];
  const list = h('section', { class: 'card', 'aria-labelledby': 'needs-title' });
  const message = h('div', { 'aria-live': 'polite' });

  const family = h('input', { type: 'text', required: true, autocomplete: 'off', maxLength: 32 });
  const grades = h('input', { type: 'text', autocomplete: 'off' });
  const devices = h('input', { type: 'number', min: 0, max: 99, value: 0, required: true });
  const internet = select([['none', t('needs.internet.none')], ['phone', t('needs.internet.phone')], ['box', t('needs.internet.box')]], 'none');
  const preference = select([['either', t('needs.pref.either')], ['laptop', t('needs.pref.laptop')], ['tablet', t('needs.pref.tablet')]], 'either');
  const chooser = h('input', { type: 'text', autocomplete: 'off', value: structure, maxLength: 8 });

  function row(n) {
    return h('tr', {},
      h('td', {}, n.family),
      h('td', {}, n.grades || '—'),
      h('td', {}, String(n.devices_at_home)),
      h('td', {}, t(`needs.internet.${n.internet}`)),
      h('td', {}, t(`needs.pref.${n.preference}`)),
      h('td', {}, t(`needs.status.${n.status}`)),
      h('td', {}, n.status === 'open'
        ? h('button', { type: 'button', class: 'secondary', 'aria-label': t('needs.edit.label', { family: n.family }), onClick: () => {
          family.value = n.family;
          grades.value = n.grades;
          devices.value = n.devices_at_home;
          internet.value = n.internet;
          preference.value = n.preference;
          family.focus();
        } }, t('needs.edit'))
        : ''));
  }

  async function load() {
    const head = h('h2', { id: 'needs-title' }, structure ? t('needs.title', { structure }) : t('needs.choose'));
    if (!structure) return clear(list, head);
    try {
      needs = await api('GET', `/api/structures/${encodeURIComponent(structure)}/needs`);
      clear(list, head, needs.length
        ? h('table', {}, h('caption', {}, t('needs.count', { n: needs.length })),
          h('thead', {}, h('tr', {}, ['needs.family', 'needs.grades', 'needs.devices', 'needs.internet', 'needs.preference', 'needs.status', 'needs.action']
            .map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, needs.map(row)))
        : h('p', {}, t('needs.none')));
    } catch (err) { clear(list, head, errorBox(err, h)); }
  }

  const form = h('form', { class: 'card', 'aria-labelledby': 'needs-form-title', onSubmit: async (e) => {
    e.preventDefault();
    clear(message);
    const known = needs.find((n) => n.family === family.value.trim());
    const body = { grades: grades.value, devices_at_home: Number(devices.value), internet: internet.value, preference: preference.value };
    try {
      if (known) await api('PATCH', `/api/structures/${encodeURIComponent(structure)}/needs/${encodeURIComponent(known.family)}`, body);
      else await api('POST', `/api/structures/${encodeURIComponent(structure)}/needs`, { family: family.value.trim(), ...body });
      clear(message, h('p', { class: 'ok' }, t(known ? 'needs.updated' : 'needs.added', { family: family.value.trim() })));
      family.value = '';
      grades.value = '';
      devices.value = 0;
      await load();
    } catch (err) { clear(message, errorBox(err, h)); }
  } },
  h('h2', { id: 'needs-form-title' }, t('needs.form')),
  field(t('needs.family'), family, t('needs.family.hint')),
  field(t('needs.grades'), grades, t('needs.grades.hint')),
  field(t('needs.devices'), devices),
  field(t('needs.internet'), internet),
  field(t('needs.preference'), preference),
  h('button', { type: 'submit', class: 'big' }, t('needs.save')),
  message);

  const pick = isMediator ? null : h('form', { class: 'card', onSubmit: (e) => {
    e.preventDefault();
    structure = chooser.value.trim().toUpperCase();
    load();
  } }, field(t('needs.structure'), chooser, t('needs.structure.hint')), h('button', { type: 'submit' }, t('needs.open')));

  clear(root, h('h1', {}, t('nav.needs')), pick, list, structure || !pick ? form : null);
  if (pick) pick.addEventListener('submit', () => { if (!form.isConnected) root.append(form); });
  load();
}
