// Print and media settings of a printer (printers.configure) as a small
// form inside its card, and the Calibrate action (printers.calibrate: the
// printer measures its labels and gaps). The form's inputs start from the
// printer's saved settings; an empty field is unset (the printer's own).

import { t } from './i18n.js';
import { $, h, toast } from './dom.js';
import { call, act, errorText } from './core.js';
import { watchJob } from './queue.js';

// canCalibrate: the languages with a calibration command.
export const canCalibrate = (p) => ['zpl', 'tspl', 'epl'].includes(p.language);

const num = (name, label, attrs, value) => h('label', { class: 'setting' }, h('span', { text: label }),
  h('input', { name, type: 'number', inputmode: 'decimal', value: value ?? '', ...attrs }));

const choice = (name, label, options, value) => h('label', { class: 'setting' }, h('span', { text: label }),
  h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: (value ?? '') === v }, text))));

// opened are the printers whose settings are unfolded: live updates
// re-render the cards, and must not fold a form the user is filling.
const opened = new Set();

// settingsForm is a printer card's settings, folded away until opened.
export function settingsForm(p) {
  const s = p.settings ?? {};
  return h('details', { class: 'printer-settings', 'data-printer': p.id, open: opened.has(p.id) },
    h('summary', { text: t('settings.title') }),
    h('form', { class: 'settings-form', 'data-printer': p.id, 'aria-label': t('settings.formNamed', { name: p.name || p.id }) },
      h('div', { class: 'settings-grid' },
        num('darkness', t('settings.darkness'), { min: 0, max: 30, step: 1 }, s.darkness),
        num('speed', t('settings.speed'), { min: 1, max: 14, step: 0.5 }, s.speed),
        choice('media', t('settings.media'), [['', t('settings.printerOwn')], ['gap', t('settings.mediaGap')],
          ['mark', t('settings.mediaMark')], ['continuous', t('settings.mediaContinuous')]], s.media),
        num('gap', t('settings.gap'), { min: 0, max: 50, step: 0.1 }, s.gap),
        num('markHeight', t('settings.markHeight'), { min: 0, max: 50, step: 0.1 }, s.markHeight),
        choice('method', t('settings.method'), [['', t('settings.printerOwn')], ['direct', t('settings.methodDirect')],
          ['transfer', t('settings.methodTransfer')]], s.method),
        num('offsetX', t('settings.offsetX'), { min: -100, max: 100, step: 0.1 }, s.offset?.x),
        num('offsetY', t('settings.offsetY'), { min: -100, max: 100, step: 0.1 }, s.offset?.y),
        num('printWidth', t('settings.printWidth'), { min: 1, max: 2000, step: 0.1 }, s.printWidth),
        // The size of one label of the media: documents printed without a size get it.
        num('labelWidth', t('settings.labelWidth'), { min: 0, step: 'any' }, s.labelWidth),
        num('labelHeight', t('settings.labelHeight'), { min: 0, step: 'any' }, s.labelHeight),
        choice('unit', t('settings.labelUnit'), [['mm', t('settings.unitMM')], ['in', t('settings.unitIn')],
          ['dot', t('settings.unitDot')]], s.unit ?? 'mm')),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('div', { class: 'settings-actions' },
        h('button', { class: 'btn btn-small', type: 'submit', text: t('settings.save') }))));
}

// settingsOf reads a settings form into printers.configure's settings.
function settingsOf(form) {
  const d = new FormData(form);
  const s = {};
  const n = (k) => (d.get(k) === '' || d.get(k) === null ? undefined : Number(d.get(k)));
  for (const k of ['darkness', 'speed', 'gap', 'markHeight', 'printWidth', 'labelWidth', 'labelHeight']) if (n(k) !== undefined) s[k] = n(k);
  for (const k of ['media', 'method']) if (d.get(k)) s[k] = d.get(k);
  if (n('offsetX') !== undefined || n('offsetY') !== undefined) s.offset = { x: n('offsetX') ?? 0, y: n('offsetY') ?? 0 };
  if (s.media !== 'gap') delete s.gap;
  if (s.media !== 'mark') delete s.markHeight;
  // The unit goes with a label size (the agent refuses one alone); mm is the default.
  if ((s.labelWidth !== undefined || s.labelHeight !== undefined) && d.get('unit') !== 'mm') s.unit = d.get('unit');
  return s;
}

$('#printers').addEventListener('toggle', (e) => { // toggle does not bubble: captured
  const d = e.target;
  if (!d.matches?.('details.printer-settings')) return;
  if (d.open) opened.add(d.dataset.printer);
  else opened.delete(d.dataset.printer);
}, true);

$('#printers').addEventListener('submit', async (e) => {
  const form = e.target.closest('form.settings-form');
  if (!form) return;
  e.preventDefault();
  const err = form.querySelector('.form-error');
  err.hidden = true;
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const r = await call('printers.configure', { printer: form.dataset.printer, settings: settingsOf(form) });
    toast(t('settings.saved', { name: r.printer.name || r.printer.id }));
  } catch (ex) {
    err.textContent = errorText(ex);
    err.hidden = false;
  } finally {
    if (button.isConnected) button.disabled = false;
  }
});

// calibrate queues the printer's calibration (a job like any other).
export function calibrate(button, p) {
  const name = p.name || p.id;
  act(button, () => call('printers.calibrate', { printer: p.id }), (r) => {
    if (r?.job) watchJob(r.job, { done: 'toast.calibrated', name });
    return t('toast.calibrateQueued', { name });
  });
}
