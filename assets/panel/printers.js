// The Printers view: one card per printer (status as measured by the agent,
// facts, actions) and the add-a-network-printer form. Cards are updated in
// place (dom.keyed) and their buttons act through one delegated handler.

import { t, has, fmtNumber } from './i18n.js';
import { $, h, keyed, toast } from './dom.js';
import { state, call, act, printerNames, printerAddresses, onRender, scheduleRender } from './core.js';
import { watchJob } from './queue.js';
import { settingsForm, canCalibrate, calibrate } from './printersettings.js';

export async function loadPrinters() {
  const r = await call('printers.list');
  onPrinters(r.printers);
}

export function onPrinters(printers) {
  state.printers = printers;
  for (const p of printers) {
    printerNames.set(p.id, p.name || p.id);
    if (p.address) printerAddresses.set(p.id, p.address);
  }
  scheduleRender('printers');
  scheduleRender('jobs'); // printer names and the filter list
}

// printerState is the state a card shows: paused wins (the user did it).
export function printerState(p) {
  const reasons = p.status?.reasons ?? [];
  if (reasons.includes('paused')) return 'paused';
  return p.status?.state || 'ready';
}

// reasonText is a printer or job reason in words.
export function reasonText(r) {
  return has(`reason.${r}`) ? t(`reason.${r}`) : r.replaceAll('_', ' ');
}

function card(p) {
  const st = printerState(p);
  const name = p.name || p.id;
  const reasons = (p.status?.reasons ?? []).filter((r) => r !== 'paused').map(reasonText);
  const model = [p.vendor, p.model].filter(Boolean).join(' ');
  const facts = [
    ['printer.connection', has(`connection.${p.connection}`) ? t(`connection.${p.connection}`) : p.connection, ''],
    ['printer.model', model || '—', ''],
    ['printer.language', has(`lang.${p.language}`) ? t(`lang.${p.language}`) : (p.language || t('printer.unknown')), ''],
    ['printer.dpi', p.dpi ? t('printer.dpiValue', { dpi: fmtNumber(p.dpi) }) : '—', ''],
    ['printer.address', p.address || '—', 'mono'],
    ['printer.waiting', fmtNumber(p.queued ?? 0), ''],
  ];
  const btn = (action, cls, label, aria, extra = {}) => h('button', {
    class: `btn ${cls} btn-small`, type: 'button', 'data-action': action, 'data-printer': p.id, 'aria-label': aria, ...extra,
  }, label);
  const hint = st === 'offline' || st === 'error' ? statusHint(p) : '';
  return h('article', {
    class: 'card printer-card' + (p.isDefault ? ' is-default' : ''), 'data-printer': p.id,
    'data-default': p.isDefault ? 'true' : 'false', 'aria-label': name,
  },
  h('div', { class: 'printer-head' },
    h('div', { class: 'printer-titles' },
      h('h2', { class: 'printer-name' }, name, p.isDefault ? h('span', { class: 'badge badge-default', text: t('printer.default') }) : null),
      h('div', { class: 'printer-id mono', text: p.id })),
    h('div', { class: 'printer-status' },
      h('span', { class: `pill pill-${st}`, 'data-status': st, text: t(`state.${st}`) }),
      reasons.length ? h('div', { class: 'reasons', 'data-reasons': (p.status?.reasons ?? []).join(' '), text: reasons.join(', ') }) : null)),
  hint ? h('p', { class: 'status-hint', text: hint }) : null,
  h('dl', { class: 'facts' }, facts.flatMap(([k, v, cls]) => [h('dt', { text: t(k) }), h('dd', { class: cls, text: v })])),
  settingsForm(p),
  h('div', { class: 'printer-actions' },
    btn('set-default', 'btn-outline', t(p.isDefault ? 'printer.isDefault' : 'printer.setDefault'),
      t(p.isDefault ? 'printer.isDefaultNamed' : 'printer.setDefaultNamed', { name }), { disabled: p.isDefault }),
    btn('test-print', 'btn-outline', t('printer.testPrint'), t('printer.testPrintNamed', { name })),
    p.connection === 'network' ? btn('check', 'btn-outline', t('printer.check'), t('printer.checkNamed', { name })) : null,
    canCalibrate(p) ? btn('calibrate', 'btn-outline', t('printer.calibrate'), t('printer.calibrateNamed', { name })) : null,
    h('span', { class: 'spacer' }),
    p.configured ? btn('remove', 'btn-danger', t('printer.remove'), t('printer.removeNamed', { name })) : null));
}

// statusHint says what to do about an offline or failing printer.
function statusHint(p) {
  const vars = { name: p.name || p.id, address: p.address || p.id };
  for (const r of p.status?.reasons ?? []) {
    if (has(`cause.${r}`)) return t(`cause.${r}`, vars);
  }
  return '';
}

function renderPrinters() {
  const grid = $('#printers');
  $('#printers-count').textContent = state.printers.length ? fmtNumber(state.printers.length) : '';
  if (!state.printers.length) {
    grid.replaceChildren(h('p', { class: 'empty', text: t('printers.none') }));
    return;
  }
  if (grid.firstElementChild && !grid.firstElementChild.dataset.printer) grid.replaceChildren();
  keyed(grid, state.printers, (p) => p.id, card);
}
onRender('printers', renderPrinters);

const byID = (id) => state.printers.find((p) => p.id === id);

$('#printers').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const p = byID(b.dataset.printer);
  if (!p) return;
  const name = p.name || p.id;
  switch (b.dataset.action) {
    case 'set-default':
      act(b, () => call('printers.setDefault', { printer: p.id }), t('toast.defaultSet', { name }));
      break;
    case 'test-print':
      // Say "queued" now; the job's own events say printed or why not.
      act(b, () => call('printers.testPrint', { printer: p.id }), (r) => {
        if (r?.job) watchJob(r.job, { done: 'toast.testPrinted', name });
        return t('toast.testQueued', { name });
      });
      break;
    case 'check':
      act(b, () => call('printers.check', { printer: p.id }), (r) => {
        const st = r?.printer ? printerState(r.printer) : '';
        return t('toast.checked', { name, state: st ? t(`state.${st}`) : '' });
      });
      break;
    case 'calibrate':
      calibrate(b, p);
      break;
    case 'remove':
      if (!confirm(t('confirm.removePrinter', { name }))) return;
      act(b, () => call('printers.remove', { printer: p.id }), t('toast.removed', { name }));
      break;
  }
});

$('#add-printer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const err = form.querySelector('.form-error');
  err.hidden = true;
  const data = new FormData(form);
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const r = await call('printers.add', {
      name: data.get('name').trim(), address: data.get('address').trim(),
      language: data.get('language'), dpi: Number(data.get('dpi')),
    });
    form.reset();
    const st = printerState(r.printer);
    toast(t(st === 'ready' ? 'toast.addedReady' : 'toast.addedNotReady', { name: r.printer.name, state: t(`state.${st}`) }), st !== 'ready');
  } catch (ex) {
    err.textContent = ex.message;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
});

