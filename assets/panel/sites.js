// The Sites view: which web sites may print. Allowing says what it grants
// (and warns for plain-http sites) before it is done; a denied site can be
// allowed later; IT can add a site ahead of time; a built-in pattern
// (localhost) is removed only after a confirmation, and can be restored.
// Every change is recorded in the agent's audit log.

import { t, fmtNumber, fmtTime } from './i18n.js';
import { $, h, keyed, toast } from './dom.js';
import { state, call, act, errorText } from './core.js';

export async function loadSites() {
  state.sites = await call('sites.list');
  renderSites();
}

const isPlainHTTP = (origin) => origin.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(origin);

export function renderSites() {
  const { sites = [], locked, pending, builtin = [] } = state.sites;
  const badge = $('#sites-count');
  badge.textContent = pending ? fmtNumber(pending) : '';
  badge.hidden = !pending;
  badge.setAttribute('aria-label', pending ? t('sites.pendingCount', { n: fmtNumber(pending) }) : '');
  $('#sites-locked').hidden = !locked;
  $('#add-site').hidden = !!locked;
  const byState = (s) => sites.filter((x) => x.state === s);
  const key = (s) => `${s.state} ${s.origin}`;
  const pendingList = byState('pending');
  const allowedList = byState('allowed');
  const deniedList = byState('denied');
  keyed($('#sites-pending'), pendingList, key, (s) => siteRow(s, [
    btn('allow', 'btn-primary', 'sites.allow', s, { disabled: locked }),
    btn('deny', 'btn-danger', 'sites.deny', s),
  ]));
  keyed($('#sites-allowed'), allowedList, key, (s) => siteRow(s, s.locked
    ? [h('span', { class: 'badge lock', title: t('sites.lockedTitle'), text: t('sites.lockedBadge') })]
    : [btn('revoke', 'btn-outline', 'sites.remove', s)]));
  keyed($('#sites-denied'), deniedList, key, (s) => siteRow(s, [
    btn('allow', 'btn-primary', 'sites.allow', s, { disabled: locked }),
    btn('forget', 'btn-outline', 'sites.forget', s),
  ]));
  $('#sites-pending-empty').hidden = pendingList.length > 0;
  $('#sites-allowed-empty').hidden = allowedList.length > 0;
  $('#sites-denied-card').hidden = deniedList.length === 0;
  const allowed = new Set(allowedList.map((s) => s.origin));
  $('#sites-restore').hidden = locked || builtin.every((b) => allowed.has(b));
}

function btn(action, cls, key, s, extra = {}) {
  return h('button', {
    class: `btn ${cls} btn-small`, type: 'button', 'data-action': action, 'data-origin': s.origin,
    'aria-label': t(`${key}Named`, { origin: s.origin }), ...extra,
  }, t(key));
}

function siteRow(s, actions) {
  const meta = [];
  if (s.state === 'pending') {
    meta.push(t(s.attempts === 1 ? 'sites.triedOnce' : 'sites.triedMany', { n: fmtNumber(s.attempts ?? 0) }));
    if (s.lastSeen) meta.push(t('sites.lastSeen', { when: fmtTime(s.lastSeen) }));
  }
  if (s.builtin) meta.push(t('sites.builtinBadge'));
  else if (s.origin.includes('*')) meta.push(t('sites.pattern'));
  if (isPlainHTTP(s.origin)) meta.push(t('sites.plainHttp'));
  return h('li', { class: 'site', 'data-origin': s.origin, 'data-state': s.state, 'data-locked': s.locked ? 'true' : 'false', 'data-builtin': s.builtin ? 'true' : 'false' },
    h('div', { class: 'site-text' },
      h('div', { class: 'site-origin mono', text: s.origin }),
      meta.length ? h('div', { class: 'site-meta', text: meta.join(' · ') }) : null),
    h('div', { class: 'site-actions' }, actions));
}

// confirmDialog shows the site dialog and resolves true on OK.
function confirmDialog(title, body, warning, okLabel) {
  const dlg = $('#site-dialog');
  $('#site-dialog-title').textContent = title;
  $('#site-dialog-body').textContent = body;
  const w = $('#site-dialog-warning');
  w.textContent = warning || '';
  w.hidden = !warning;
  $('#site-dialog-ok').textContent = okLabel;
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.onclose = () => resolve(dlg.returnValue === 'ok');
    dlg.showModal();
  });
}

// allowSite says what allowing grants, warns for plain http, then allows.
export async function allowSite(origin, button) {
  const ok = await confirmDialog(t('allow.title', { origin }), t('allow.grants', { origin }),
    isPlainHTTP(origin) ? t('allow.httpWarning', { origin }) : '', t('sites.allow'));
  if (!ok) return false;
  return change(button, 'sites.approve', origin, t('toast.siteAllowed', { origin }));
}

async function change(button, method, origin, message) {
  const r = await act(button, () => call(method, { origin }), message);
  if (r) { state.sites = r; renderSites(); }
  return !!r;
}

$('#tab-sites').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const origin = b.dataset.origin;
  const site = (state.sites.sites ?? []).find((s) => s.origin === origin);
  switch (b.dataset.action) {
    case 'allow': allowSite(origin, b); break;
    case 'deny': change(b, 'sites.deny', origin, t('toast.siteDenied', { origin })); break;
    case 'forget': change(b, 'sites.revoke', origin, t('toast.siteForgotten', { origin })); break;
    case 'revoke': {
      const builtin = site?.builtin;
      const ok = await confirmDialog(t('remove.title', { origin }), t(builtin ? 'remove.builtinBody' : 'remove.body', { origin }),
        builtin ? t('remove.builtinWarning') : '', t('sites.remove'));
      if (ok) change(b, 'sites.revoke', origin, t(builtin ? 'toast.builtinRemoved' : 'toast.siteRemoved', { origin }));
      break;
    }
    case 'restore-builtin': restoreBuiltin(b); break;
  }
});

async function restoreBuiltin(button) {
  const allowed = new Set((state.sites.sites ?? []).filter((s) => s.state === 'allowed').map((s) => s.origin));
  for (const origin of state.sites.builtin ?? []) {
    if (!allowed.has(origin) && !(await change(button, 'sites.approve', origin, ''))) return;
  }
  toast(t('toast.builtinRestored'));
}

// Add a site ahead of time (IT setting up a PC): allow or deny it before
// it ever asks.
const form = $('#add-site');
async function addSite(deny, button) {
  const err = form.querySelector('.form-error');
  err.hidden = true;
  const input = form.querySelector('input[name=origin]');
  const origin = input.value.trim().replace(/\/+$/, '');
  if (!origin) { input.reportValidity(); return; }
  try {
    const done = deny ? await change(button, 'sites.deny', origin, t('toast.siteDenied', { origin })) : await allowSite(origin, button);
    if (done) input.value = '';
  } catch (ex) {
    err.textContent = errorText(ex);
    err.hidden = false;
  }
}
form.addEventListener('submit', (e) => { e.preventDefault(); addSite(false, e.submitter); });
form.querySelector('[data-action=deny-site]').addEventListener('click', (e) => addSite(true, e.currentTarget));
