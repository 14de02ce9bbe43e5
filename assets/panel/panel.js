// Labelbridge local panel. It talks to the agent through the browser SDK
// (/sdk/labelbridge.js: the JSON-RPC WebSocket API, reconnects, clear
// errors) like any page, asking for admin rights with the
// 'labelbridge.admin' subprotocol and its session secret beside it. The
// login page (/login#code=…, opened by the tray or `labelbridge panel`) put
// the secret in this tab's sessionStorage (scoped to scheme, host and port;
// there is no cookie); the agent also requires its own Origin. The page
// itself, as served, holds no secret. Everything
// shown from the agent (titles, origins, names) is untrusted text: it is
// only ever set with textContent, never as HTML.

import { connect as connectAgent } from '/sdk/labelbridge.js';

const $ = (sel) => document.querySelector(sel);

// ---- state ----
const state = {
  printers: [],
  jobs: new Map(), // id -> job
  seen: new Map(), // id -> states seen live, in order
  sites: { sites: [], locked: false, pending: 0 },
  paused: false,
  version: '',
  filter: { state: '', printer: '' },
};
const previews = new Map(); // job id -> data URL, or '' when there is none
const MAX_JOBS = 500;

// ---- DOM helper ----
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function toast(message, isError = false) {
  const t = h('div', { class: 'toast' + (isError ? ' error' : ''), role: isError ? 'alert' : 'status', text: message });
  const box = $('#toasts');
  box.append(t);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => t.remove(), isError ? 7000 : 3000);
}

// ---- the agent, through the SDK's client ----
let lb = null; // the SDK's Client, once the first connection is made
let retryDelay = 500;
let loggedOut = false;
const SESSION_KEY = 'labelbridge.session';
const session = sessionStorage.getItem(SESSION_KEY);

// Not signed in in this tab: say how to open the panel.
function showLoginNeeded() {
  loggedOut = true;
  $('#login-needed').hidden = false;
  $('nav.tabs').hidden = true;
  $('main:not(#login-needed)').hidden = true;
  setConn('closed', 'Signed out');
}

function showLoggedOut() {
  loggedOut = true;
  sessionStorage.removeItem(SESSION_KEY);
  $('#logged-out').hidden = false;
  setConn('closed', 'Signed out');
  if (lb) lb.close();
}

function setConn(s, text) {
  const c = $('#conn');
  c.dataset.state = s;
  c.querySelector('.conn-text').textContent = text;
  $('#pause-toggle').disabled = s !== 'open';
}

// connect opens the admin connection to the agent that served this page.
// The SDK reconnects by itself once connected (and re-subscribes to the
// topics); until the first connection works, this tries again.
async function connect() {
  setConn('connecting', 'Connecting…');
  if (loggedOut) return;
  if (!session) { showLoginNeeded(); return; }
  try {
    lb = await connectAgent({
      host: location.hostname, ports: [Number(location.port)],
      protocols: ['labelbridge.admin', `labelbridge.session.${session}`],
      topics: ['jobs', 'printers', 'sites'], backoffMin: 500, backoffMax: 5000,
    });
  } catch {
    setConn('closed', 'Agent not reachable — retrying');
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
    return;
  }
  lb.on('job', onJob);
  lb.on('printers', onPrinters);
  lb.on('sites', (sites) => { state.sites = sites; renderSites(); });
  lb.on('status', onStatus);
  onStatus({ state: lb.state });
}

// onStatus follows the connection: on every (re)connect the panel checks it
// is still admin and loads everything again (events may have been missed).
function onStatus(s) {
  if (loggedOut) return;
  if (s.state === 'connected') {
    setConn('open', 'Connected');
    loadAll();
  } else if (s.state === 'reconnecting') {
    setConn('closed', 'Agent not reachable — retrying');
  }
}

async function loadAll() {
  try {
    const hello = await call('hello', { client: 'labelbridge-panel' });
    if (!hello.admin) {
      // The session is gone (the agent restarted): say how to log in again.
      showLoggedOut();
      return;
    }
    state.version = hello.version;
    $('#version').textContent = `Labelbridge ${hello.version} · ${location.host}`;
    await Promise.all([loadPrinters(), loadJobs(), loadSites(), loadStatus()]);
  } catch (e) {
    toast(`Could not load the panel: ${e.message}`, true);
  }
}

// call runs one method of the agent; a call cut off by a lost connection
// fails (reason connection_lost) rather than being sent twice.
function call(method, params) {
  if (!lb || lb.state !== 'connected') return Promise.reject(new Error('not connected to the agent'));
  return lb.call(method, params ?? {});
}

// act runs an action from a button: disables it meanwhile, reports errors.
async function act(button, fn, okMessage) {
  if (button) button.disabled = true;
  try {
    const r = await fn();
    if (okMessage) toast(typeof okMessage === 'function' ? okMessage(r) : okMessage);
    return r;
  } catch (e) {
    toast(e.message, true);
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

// ---- loading ----
async function loadPrinters() {
  const r = await call('printers.list');
  onPrinters(r.printers);
}

async function loadJobs() {
  const params = { limit: 200 };
  if (state.filter.state) params.state = state.filter.state;
  if (state.filter.printer) params.printer = state.filter.printer;
  const r = await call('jobs.list', params);
  for (const j of r.jobs) {
    const known = state.jobs.get(j.id);
    if (!known || known.updatedAt <= j.updatedAt) state.jobs.set(j.id, j);
  }
  scheduleRender('jobs');
}

async function loadSites() {
  state.sites = await call('sites.list');
  renderSites();
}

async function loadStatus() {
  const s = await call('printing.status');
  state.paused = s.paused;
  renderPaused();
}

// Sites come as "sites" events; reload the list when the tab is shown or
// the page becomes visible again, in case an event was missed meanwhile.
function refreshSites() {
  if (document.visibilityState !== 'visible') return;
  if (lb && lb.state === 'connected') loadSites().catch(() => {});
}
document.addEventListener('visibilitychange', refreshSites);

// ---- events ----
function onPrinters(printers) {
  state.printers = printers;
  for (const p of printers) printerNames.set(p.id, p.name || p.id);
  scheduleRender('printers');
  scheduleRender('jobs'); // printer names and the filter list
  loadStatus().catch(() => {});
}

function onJob(job) {
  const seen = state.seen.get(job.id) ?? [];
  if (seen[seen.length - 1] !== job.state) seen.push(job.state);
  state.seen.set(job.id, seen);
  state.jobs.set(job.id, job);
  flash.add(job.id);
  if (state.jobs.size > MAX_JOBS) {
    const oldest = [...state.jobs.values()].sort(byCreated).slice(MAX_JOBS);
    for (const j of oldest) { state.jobs.delete(j.id); state.seen.delete(j.id); previews.delete(j.id); }
  }
  scheduleRender('jobs');
}

const dirty = new Set();
const flash = new Set();
let frame = 0;
function scheduleRender(what) {
  dirty.add(what);
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    if (dirty.has('printers')) renderPrinters();
    if (dirty.has('jobs')) renderJobs();
    dirty.clear();
  });
}

// ---- tabs ----
function showTab() {
  const tab = (location.hash || '#printers').slice(1);
  const known = ['printers', 'queue', 'sites'].includes(tab) ? tab : 'printers';
  for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${known}`;
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.tab === known) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (known === 'sites') refreshSites();
}
window.addEventListener('hashchange', showTab);

// ---- printers ----
const connectionNames = { usb: 'USB', network: 'Network (9100)', spooler: 'OS print queue', virtual: 'Virtual (files)' };
const languageNames = { zpl: 'ZPL', tspl: 'TSPL', epl: 'EPL2', escpos: 'ESC/POS' };

// Names of every printer seen this session, so jobs of a printer that was
// removed still show its name.
const printerNames = new Map();
function printerName(id) {
  return printerNames.get(id) ?? id;
}

function printerState(p) {
  const reasons = p.status?.reasons ?? [];
  if (reasons.includes('paused')) return 'paused';
  return p.status?.state || 'ready';
}

function renderPrinters() {
  const grid = $('#printers');
  $('#printers-count').textContent = state.printers.length || '';
  const cards = state.printers.map((p) => {
    const st = printerState(p);
    const reasons = (p.status?.reasons ?? []).filter((r) => r !== 'paused').map(humanReason);
    const model = [p.vendor, p.model].filter(Boolean).join(' ');
    const facts = [
      ['Connection', connectionNames[p.connection] ?? p.connection],
      ['Model', model || '—'],
      ['Language', languageNames[p.language] ?? (p.language || 'unknown')],
      ['Resolution', p.dpi ? `${p.dpi} dpi` : '—'],
      ['Address', p.address || '—'],
      ['Jobs waiting', String(p.queued ?? 0)],
    ];
    return h('article', { class: 'card printer-card' + (p.isDefault ? ' is-default' : ''), 'data-printer': p.id, 'data-default': p.isDefault ? 'true' : 'false' },
      h('div', { class: 'printer-head' },
        h('div', {},
          h('div', { class: 'printer-name' }, p.name || p.id, p.isDefault ? h('span', { class: 'badge badge-default', text: 'Default' }) : null),
          h('div', { class: 'printer-id mono', text: p.id })),
        h('div', {},
          h('span', { class: `pill pill-${st}`, 'data-status': st, text: st }),
          reasons.length ? h('div', { class: 'reasons', text: reasons.join(', ') }) : null)),
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { class: k === 'Address' ? 'mono' : '', text: v })])),
      h('div', { class: 'printer-actions' },
        h('button', {
          class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'set-default', disabled: p.isDefault,
          onclick: (e) => act(e.currentTarget, () => call('printers.setDefault', { printer: p.id }), `${p.name} is now the default printer`),
        }, p.isDefault ? 'Default printer' : 'Set as default'),
        h('button', {
          class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'test-print',
          onclick: (e) => act(e.currentTarget, () => call('printers.testPrint', { printer: p.id }), `Test label sent to ${p.name}`),
        }, 'Test print'),
        h('span', { class: 'spacer' }),
        p.configured ? h('button', {
          class: 'btn btn-danger btn-small', type: 'button', 'data-action': 'remove',
          onclick: (e) => {
            if (!confirm(`Remove ${p.name}? Jobs waiting for it stay held until you cancel them.`)) return;
            act(e.currentTarget, () => call('printers.remove', { printer: p.id }), `${p.name} removed`);
          },
        }, 'Remove') : null));
  });
  grid.replaceChildren(...cards);
  if (!cards.length) grid.append(h('p', { class: 'empty', text: 'No printers yet.' }));
  renderPrinterFilter();
}

function renderPrinterFilter() {
  const sel = $('#filter-printer');
  const current = sel.value;
  const ids = new Set(state.printers.map((p) => p.id));
  for (const j of state.jobs.values()) ids.add(j.printer);
  sel.replaceChildren(h('option', { value: '', text: 'All printers' }),
    ...[...ids].sort().map((id) => h('option', { value: id, text: printerName(id) })));
  sel.value = ids.has(current) ? current : '';
}

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
    toast(`${r.printer.name} added`);
  } catch (ex) {
    err.textContent = ex.message;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
});

// ---- queue ----
const reasonText = {
  paused: 'Printing is paused', disconnected: 'Printer not connected', timeout: 'Printer did not answer in time',
  send_failed: 'Sending failed', paper_out: 'Out of paper', head_open: 'Print head open', ribbon_out: 'Out of ribbon',
  held_too_long: 'Held too long', canceled_by_user: 'Canceled', shutdown: 'Agent stopped',
};
function humanReason(r) { return reasonText[r] ?? r.replaceAll('_', ' '); }

const byCreated = (a, b) => (b.createdAt > a.createdAt ? 1 : b.createdAt < a.createdAt ? -1 : (b.id > a.id ? 1 : -1));

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function fmtTook(j) {
  if (!j.doneAt) return '';
  const ms = new Date(j.doneAt) - new Date(j.createdAt);
  if (ms < 1000) return `${Math.max(ms, 0)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60000)} min`;
}

function renderJobs() {
  const f = state.filter;
  const jobs = [...state.jobs.values()]
    .filter((j) => (!f.state || j.state === f.state) && (!f.printer || j.printer === f.printer))
    .sort(byCreated).slice(0, 200);
  const active = [...state.jobs.values()].filter((j) => ['queued', 'sending', 'held'].includes(j.state)).length;
  $('#queue-count').textContent = active || '';
  $('#jobs-empty').hidden = jobs.length > 0;
  $('#jobs-empty').textContent = state.jobs.size && !jobs.length
    ? 'No job matches these filters.' : 'No jobs yet. Labels that web pages print show up here as they happen.';
  $('#jobs').replaceChildren(...jobs.map(jobRow));
  flash.clear();
  renderPrinterFilter();
  loadPreviews(jobs.slice(0, 40));
}

function jobRow(j) {
  const seen = state.seen.get(j.id) ?? [];
  const actions = [];
  if (j.state === 'queued' || j.state === 'held') {
    actions.push(h('button', { class: 'btn btn-danger btn-small', type: 'button', 'data-action': 'cancel',
      onclick: (e) => act(e.currentTarget, () => call('jobs.cancel', { job: j.id }), 'Job canceled') }, 'Cancel'));
  }
  if (j.state === 'failed' || j.state === 'canceled') {
    actions.push(h('button', { class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'retry',
      onclick: (e) => act(e.currentTarget, () => call('jobs.retry', { job: j.id }), 'Job queued again') }, 'Retry'));
  }
  if (j.state === 'done') {
    actions.push(h('button', { class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'reprint',
      onclick: (e) => act(e.currentTarget, () => call('jobs.retry', { job: j.id }), 'Reprint queued') }, 'Reprint'));
  }
  const reason = j.reason && j.state !== 'canceled' ? humanReason(j.reason) : '';
  const origin = j.origin === 'panel' ? 'This panel' : j.origin === 'cli' ? 'Command line' : j.origin;
  return h('tr', { class: 'job' + (flash.has(j.id) ? ' flash' : ''), 'data-job': j.id, 'data-state': j.state, 'data-states': seen.join(' ') },
    h('td', {}, previewCell(j)),
    h('td', {},
      h('div', { class: 'job-title', title: j.title || '', text: j.title || 'Untitled job' }),
      h('div', { class: 'job-id mono', text: j.id })),
    h('td', {},
      h('span', { class: `pill pill-${j.state}`, text: j.state }),
      reason ? h('div', { class: 'job-reason', title: j.detail || '', text: reason }) : null),
    h('td', { text: printerName(j.printer) }),
    h('td', {}, h('span', { class: 'origin', title: j.origin, text: origin })),
    h('td', { class: 'num', text: String(j.copies) }),
    h('td', { class: 'when', title: j.createdAt, text: fmtTime(j.createdAt) }),
    h('td', { class: 'num', text: fmtTook(j) }),
    h('td', {}, h('div', { class: 'row-actions' }, actions)));
}

function previewCell(j) {
  const url = previews.get(j.id);
  if (url) {
    return h('img', { class: 'thumb', src: url, alt: `Preview of ${j.title || j.id}`,
      onclick: () => openPreview(j, url) });
  }
  return h('div', { class: 'thumb-none', text: url === '' ? 'raw' : '' });
}

function openPreview(j, url) {
  $('#preview-large').src = url;
  $('#preview-caption').textContent = `${j.title || 'Untitled job'} · ${j.id}`;
  $('#preview-dialog').showModal();
}

let previewBusy = false;
async function loadPreviews(jobs) {
  if (previewBusy) return;
  previewBusy = true;
  try {
    for (const j of jobs) {
      if (previews.has(j.id)) continue;
      try {
        const r = await call('jobs.preview', { job: j.id });
        previews.set(j.id, r.png ? `data:image/png;base64,${r.png}` : '');
      } catch {
        previews.set(j.id, '');
      }
      const row = document.querySelector(`tr.job[data-job="${CSS.escape(j.id)}"] td`);
      if (row) row.replaceChildren(previewCell(j));
    }
  } finally {
    previewBusy = false;
  }
}

for (const [sel, key] of [['#filter-state', 'state'], ['#filter-printer', 'printer']]) {
  $(sel).addEventListener('change', (e) => {
    state.filter[key] = e.target.value;
    scheduleRender('jobs');
    loadJobs().catch(() => {});
  });
}

// ---- sites ----
function renderSites() {
  const { sites, locked, pending } = state.sites;
  const badge = $('#sites-count');
  badge.textContent = pending || '';
  badge.hidden = !pending;
  $('#sites-locked').hidden = !locked;
  const byState = (s) => sites.filter((x) => x.state === s);
  const pendingList = byState('pending').map((s) => siteRow(s, [
    h('button', { class: 'btn btn-primary btn-small', type: 'button', 'data-action': 'allow', disabled: locked,
      onclick: (e) => siteAction(e.currentTarget, 'sites.approve', s.origin, `${s.origin} can print now`) }, 'Allow'),
    h('button', { class: 'btn btn-danger btn-small', type: 'button', 'data-action': 'deny',
      onclick: (e) => siteAction(e.currentTarget, 'sites.deny', s.origin, `${s.origin} denied`) }, 'Deny'),
  ]));
  const allowedList = byState('allowed').map((s) => siteRow(s, s.locked
    ? [h('span', { class: 'badge lock', title: 'Set by your IT policy', text: 'Locked by policy' })]
    : [h('button', { class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'revoke',
      onclick: (e) => siteAction(e.currentTarget, 'sites.revoke', s.origin, `${s.origin} can no longer print`) }, 'Revoke')]));
  const deniedList = byState('denied').map((s) => siteRow(s, [
    h('button', { class: 'btn btn-outline btn-small', type: 'button', 'data-action': 'forget',
      onclick: (e) => siteAction(e.currentTarget, 'sites.revoke', s.origin, `${s.origin} forgotten: it will ask again`) }, 'Forget'),
  ]));
  $('#sites-pending').replaceChildren(...pendingList);
  $('#sites-pending-empty').hidden = pendingList.length > 0;
  $('#sites-allowed').replaceChildren(...allowedList);
  $('#sites-allowed-empty').hidden = allowedList.length > 0;
  $('#sites-denied').replaceChildren(...deniedList);
  $('#sites-denied-card').hidden = deniedList.length === 0;
}

function siteRow(s, actions) {
  let meta = '';
  if (s.state === 'pending') {
    meta = `Tried to print ${s.attempts === 1 ? 'once' : `${s.attempts} times`}` + (s.lastSeen ? `, last at ${fmtTime(s.lastSeen)}` : '');
  } else if (s.origin.includes('*')) {
    meta = 'Pattern';
  }
  return h('li', { class: 'site', 'data-origin': s.origin, 'data-state': s.state, 'data-locked': s.locked ? 'true' : 'false' },
    h('div', {},
      h('div', { class: 'site-origin mono', text: s.origin }),
      meta ? h('div', { class: 'site-meta', text: meta }) : null),
    h('div', { class: 'site-actions' }, actions));
}

async function siteAction(button, method, origin, message) {
  const r = await act(button, () => call(method, { origin }), message);
  if (r) { state.sites = r; renderSites(); }
}

// ---- pause ----
function renderPaused() {
  const b = $('#pause-toggle');
  b.textContent = state.paused ? 'Resume printing' : 'Pause printing';
  b.setAttribute('aria-pressed', state.paused ? 'true' : 'false');
  b.dataset.paused = state.paused ? 'true' : 'false';
  $('#paused-banner').hidden = !state.paused;
}

async function togglePause(button) {
  const r = await act(button, () => call(state.paused ? 'printing.resume' : 'printing.pause'));
  if (r) { state.paused = r.paused; renderPaused(); }
}
$('#pause-toggle').addEventListener('click', (e) => togglePause(e.currentTarget));
$('#paused-banner [data-action=resume]').addEventListener('click', (e) => togglePause(e.currentTarget));

// Refresh relative things (times) once a minute; no other timers run.
setInterval(() => scheduleRender('jobs'), 60000);

showTab();
connect();
refreshSites();
