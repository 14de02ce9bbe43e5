// The panel's shared state and its one way to the agent (the SDK's client,
// set by panel.js once connected). The views (printers.js, queue.js,
// sites.js) read the state and call the agent through call() and act().

import { t } from './i18n.js';
import { toast } from './dom.js';

export const state = {
  printers: [],
  jobs: new Map(), // id -> job
  seen: new Map(), // id -> states seen live, in order
  sites: { sites: [], locked: false, pending: 0, builtin: [] },
  paused: false,
  version: '',
  connected: false,
  filter: { state: '', printer: '' },
};

// Names and addresses of every printer seen this session, so jobs of a
// printer that was removed still show its name.
export const printerNames = new Map();
export const printerAddresses = new Map();
export function printerName(id) { return printerNames.get(id) ?? id; }

let client = null;
export function setClient(c) { client = c; }

// call runs one method of the agent; a call cut off by a lost connection
// fails (reason connection_lost) rather than being sent twice.
export function call(method, params) {
  if (!client || client.state !== 'connected') return Promise.reject(new Error(t('error.notConnected')));
  return client.call(method, params ?? {});
}

// act runs an action from a button: disables it meanwhile, reports errors,
// and says okMessage (a string or a function of the result) when it worked.
export async function act(button, fn, okMessage) {
  if (button) button.disabled = true;
  try {
    const r = await fn();
    if (okMessage) toast(typeof okMessage === 'function' ? okMessage(r) : okMessage);
    return r;
  } catch (e) {
    toast(errorText(e), true);
    return undefined;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

// errorText words an error from the agent: the SDK's message (the agent
// speaks English), after the panel's own words for its reason when it has them.
export function errorText(e) {
  const reason = e?.reason ?? e?.data?.reason;
  const known = reason ? t(`error.reason.${reason}`) : '';
  if (known && known !== `error.reason.${reason}`) return `${known} (${e.message})`;
  return e?.message ?? String(e);
}

// The hooks views register to be re-drawn (scheduleRender batches them in
// one animation frame).
const renderers = new Map();
export function onRender(what, fn) { renderers.set(what, fn); }
const dirty = new Set();
let frame = 0;
export function scheduleRender(what) {
  dirty.add(what);
  if (!frame) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      const now = [...dirty];
      dirty.clear();
      for (const w of now) renderers.get(w)?.();
    });
  }
}
