// The fleet card, on the Printers tab when a fleet broker is configured
// (docs/fleet.md): the connection's state (connected, connecting, cannot
// reach, paused, off), Pause/Resume (until the next start) and Turn off/on
// (saved in the config; not offered when the admin policy decides). The
// card follows the connection live: the agent sends a "fleet" event on the
// admin "fleet" topic whenever its state changes (onFleet).

import { t } from './i18n.js';
import { $, h } from './dom.js';
import { call, act } from './core.js';

export async function loadFleet() {
  render(await call('fleet.status'));
}

// onFleet takes a "fleet" event: the connection's state changed.
export function onFleet(s) {
  render(s);
}

function stateText(s) {
  switch (s.state) {
    case 'connected': return t('fleet.connected', { broker: s.broker });
    case 'connecting': return t('fleet.connecting', { broker: s.broker });
    case 'disconnected': return t('fleet.disconnected', { broker: s.broker, error: s.error || '' });
    case 'paused': return t('fleet.paused');
    default: return t('fleet.off');
  }
}

function render(s) {
  let card = $('#fleet-card');
  if (!s.configured) {
    if (card) card.remove();
    return;
  }
  if (!card) {
    card = h('div', { class: 'card', id: 'fleet-card' });
    $('#tab-printers').append(card);
  }
  const pause = h('button', { type: 'button', class: 'btn btn-outline', id: 'fleet-pause', text: t(s.paused ? 'fleet.resume' : 'fleet.pause') });
  pause.disabled = !s.enabled;
  pause.addEventListener('click', () => act(pause, async () => render(await call(s.paused ? 'fleet.resume' : 'fleet.pause'))));
  const onoff = h('button', { type: 'button', class: 'btn btn-outline', id: 'fleet-onoff', text: t(s.enabled ? 'fleet.turnOff' : 'fleet.turnOn') });
  onoff.addEventListener('click', () => act(onoff, async () => render(await call('fleet.setEnabled', { enabled: !s.enabled }))));
  card.replaceChildren(...[
    h('h2', { text: t('fleet.title') }),
    h('p', { class: 'muted', text: t('fleet.help', { station: s.station || '' }) }),
    h('p', { id: 'fleet-state', role: 'status', class: s.state === 'disconnected' ? 'warning' : '', text: stateText(s) }),
    h('div', { class: 'card-actions' }, pause, s.locked ? null : onoff),
    s.locked ? h('p', { class: 'muted', text: t('fleet.locked') }) : null,
  ].filter(Boolean)); // replaceChildren would write a null as the text "null"
}
