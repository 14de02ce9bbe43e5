// Labelbridge local panel. It talks to the agent through the browser SDK
// (/sdk/labelbridge.js: the JSON-RPC WebSocket API, reconnects, clear
// errors) like any page, asking for admin rights with the
// 'labelbridge.admin' subprotocol and its session secret beside it. The
// login page (/login#code=…, opened by the tray or `labelbridge panel`) put
// the secret in this tab's sessionStorage (scoped to scheme, host and port;
// there is no cookie); the agent also requires its own Origin. The page
// itself, as served, holds no secret. Everything shown from the agent
// (titles, origins, names) is untrusted text: it is only ever set with
// textContent, never as HTML.
//
// The modules: i18n.js (catalogs, Intl), dom.js (h, morph, keyed, toast),
// core.js (state, call, act), one per view: printers.js, queue.js,
// sites.js. Every user-facing string is a key in i18n/en.json and
// i18n/ko.json (a test checks): add new text there, in both, and use t().

import { connect as connectAgent } from '/sdk/labelbridge.js';
import { t, setLanguage, pickLanguage, language, applyStatic } from './i18n.js';
import { $, toast } from './dom.js';
import { state, setClient, call, act, errorText, onRender, scheduleRender } from './core.js';
import { loadPrinters, onPrinters } from './printers.js';
import { loadJobs, onJob } from './queue.js';
import { loadSites, renderSites } from './sites.js';
import { loadQZTray } from './compat.js';
import { loadFleet, onFleet } from './fleet.js';
import { loadTrust } from './trust.js';

// ---- the agent, through the SDK's client ----
let lb = null; // the SDK's Client, once the first connection is made
let retryDelay = 500;
let loggedOut = false;
const SESSION_KEY = 'labelbridge.session';
const session = sessionStorage.getItem(SESSION_KEY);
let conn = { state: 'connecting', key: 'conn.connecting' };

// Not signed in in this tab: say how to open the panel.
function showLoginNeeded() {
  loggedOut = true;
  $('#login-needed').hidden = false;
  $('nav.tabs').hidden = true;
  $('#content').hidden = true;
  setConn('closed', 'conn.signedOut');
}

function showLoggedOut() {
  loggedOut = true;
  sessionStorage.removeItem(SESSION_KEY);
  $('#logged-out').hidden = false;
  setConn('closed', 'conn.signedOut');
  if (lb) lb.close();
}

// setConn shows the connection; while the agent cannot be reached every
// status on the page is greyed (body[data-agent="down"]) and a banner says
// they are the last known ones.
function setConn(s, key) {
  conn = { state: s, key };
  const c = $('#conn');
  c.dataset.state = s;
  c.querySelector('.conn-text').textContent = t(key);
  $('#pause-toggle').disabled = s !== 'open';
  state.connected = s === 'open';
  const down = s === 'closed' && !loggedOut && key === 'conn.retrying';
  document.body.dataset.agent = s === 'open' ? 'up' : down ? 'down' : 'unknown';
  $('#agent-down').hidden = !down;
}

// connect opens the admin connection to the agent that served this page.
// The SDK reconnects by itself once connected (and re-subscribes to the
// topics); until the first connection works, this tries again.
async function connect() {
  setConn('connecting', 'conn.connecting');
  if (loggedOut) return;
  if (!session) { showLoginNeeded(); return; }
  try {
    lb = await connectAgent({
      host: location.hostname, ports: [Number(location.port)],
      protocols: ['labelbridge.admin', `labelbridge.session.${session}`],
      topics: ['jobs', 'printers', 'sites', 'fleet'], backoffMin: 500, backoffMax: 5000,
    });
  } catch {
    setConn('closed', 'conn.retrying');
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
    return;
  }
  setClient(lb);
  lb.on('job', onJob);
  lb.on('printers', (p) => { onPrinters(p); loadStatus().catch(() => {}); });
  lb.on('sites', (sites) => { state.sites = sites; renderSites(); });
  lb.on('fleet', onFleet);
  lb.on('status', onStatus);
  onStatus({ state: lb.state });
}

// onStatus follows the connection: on every (re)connect the panel checks it
// is still admin and loads everything again (events may have been missed).
function onStatus(s) {
  if (loggedOut) return;
  if (s.state === 'connected') {
    setConn('open', 'conn.connected');
    loadAll();
  } else if (s.state === 'reconnecting' || s.state === 'closed') {
    setConn('closed', 'conn.retrying');
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
    renderVersion();
    await Promise.all([loadPrinters(), loadJobs(), loadSites(), loadStatus(), loadQZTray(), loadFleet(), loadTrust()]);
  } catch (e) {
    toast(t('error.load', { error: errorText(e) }), true);
  }
}

function renderVersion() {
  $('#version').textContent = state.version ? t('footer.version', { version: state.version, host: location.host }) : '';
}

async function loadStatus() {
  const s = await call('printing.status');
  state.paused = s.paused;
  renderPaused();
}

// ---- tabs ----
const TABS = ['printers', 'queue', 'sites'];
function showTab() {
  const tab = (location.hash || '#printers').slice(1);
  const known = TABS.includes(tab) ? tab : 'printers';
  for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${known}`;
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.tab === known) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (known === 'sites') refreshSites();
}
window.addEventListener('hashchange', showTab);

// Sites come as "sites" events; reload the list when the tab is shown or
// the page becomes visible again, in case an event was missed meanwhile.
function refreshSites() {
  if (document.visibilityState !== 'visible') return;
  if (state.connected) loadSites().catch(() => {});
}
document.addEventListener('visibilitychange', refreshSites);

// ---- pause ----
function renderPaused() {
  const b = $('#pause-toggle');
  b.textContent = t(state.paused ? 'pause.resume' : 'pause.pause');
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

// ---- language ----
// Redraw everything in the new language (static text by applyStatic, the
// views by their renderers).
function redrawAll() {
  applyStatic(document);
  setConn(conn.state, conn.key);
  renderPaused();
  renderVersion();
  for (const w of ['printers', 'jobs', 'sites']) scheduleRender(w);
}
onRender('sites', renderSites);
$('#lang').addEventListener('change', async (e) => {
  await setLanguage(e.target.value, { save: true });
  redrawAll();
});

// Refresh relative things (times) once a minute; no other timers run.
setInterval(() => scheduleRender('jobs'), 60000);

await setLanguage(pickLanguage());
$('#lang').value = language();
redrawAll();
showTab();
connect();
refreshSites();
