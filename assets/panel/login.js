// Labelbridge panel login. The tray or `labelbridge panel` opens
// /login#code=… (a fragment is never sent to any server, nor in a Referer).
// This page drops the code from the address bar and history at once, trades
// it (once, within a minute) for a session secret with a POST that only the
// agent's own origin may make, and keeps the secret in sessionStorage:
// scoped to this scheme, host AND port, so no other server on localhost ever
// sees it (a cookie would be sent to all of them). The panel offers it when
// it opens /ws. Its words come from the panel's catalogs (i18n.js): the
// browser's language, or the one last chosen in the panel.

import { pickLanguage, setLanguage, t } from './i18n.js';

const SESSION_KEY = 'labelbridge.session';
// "#code=…" and, from the tray, the panel tab to open ("#code=…#queue").
const m = /^#code=([A-Za-z0-9_-]+)(#[a-z]+)?$/.exec(location.hash);
history.replaceState(null, '', '/login');

// failed shows how to open the panel, with why this link did not work.
function failed(message) {
  document.getElementById('signing-in').hidden = true;
  document.getElementById('login-needed').hidden = false;
  if (message) {
    const e = document.getElementById('login-error');
    e.textContent = message;
    e.hidden = false;
  }
}

async function login(code) {
  const r = await fetch('/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }), credentials: 'omit', cache: 'no-store',
  });
  const body = await r.json().catch(() => ({}));
  if (r.ok && body.session) return body.session;
  // login_failed: the code was used, expired or never made.
  throw new Error(body.reason === 'login_failed' ? t('login.expired') : t('login.failed', { status: r.status }));
}

async function main() {
  try {
    await setLanguage(pickLanguage());
  } catch (e) { // the catalogs cannot load: the page stays as it is, empty
    console.error(e);
  }
  if (!m) {
    failed();
    return;
  }
  try {
    sessionStorage.setItem(SESSION_KEY, await login(m[1]));
    location.replace('/' + (m[2] || ''));
  } catch (e) {
    failed(e.message);
  }
}

main();
