// The QZ Tray compatibility switch, a card at the end of the Sites tab:
// when it is on, pages written for QZ Tray (qz-tray.js, unchanged) print
// through Labelbridge on QZ Tray's ports (ws 8182, wss 8181), each site
// still approved here first. It is off by default because QZ Tray itself
// uses those ports; the card says when a port is taken and by whom.

import { t } from './i18n.js';
import { $, h } from './dom.js';
import { call, act } from './core.js';

export async function loadQZTray() {
  render(await call('qzTray.get'));
}

function render(s) {
  let card = $('#qz-card');
  if (!card) {
    card = h('div', { class: 'card', id: 'qz-card' });
    $('#tab-sites').append(card);
  }
  const box = h('input', { type: 'checkbox', id: 'qz-enabled', checked: s.enabled, disabled: s.locked });
  box.addEventListener('change', () => act(box, async () => render(await call('qzTray.set', { enabled: box.checked })),
    box.checked ? t('qz.on') : t('qz.off')));
  let status = t('qz.stateOff');
  if (s.enabled) {
    const ports = [s.listening ? `ws ${s.port}` : '', s.secureListening ? `wss ${s.securePort}` : ''].filter(Boolean).join(', ');
    status = ports ? t('qz.stateOn', { ports }) : t('qz.stateDown');
  }
  card.replaceChildren(...[
    h('h2', { text: t('qz.title') }),
    h('p', { class: 'muted', text: t('qz.help') }),
    h('label', { for: 'qz-enabled', class: 'check' }, box, ' ', t('qz.enable')),
    h('p', { id: 'qz-state', role: 'status', text: status }),
    s.error ? h('p', { class: 'warning', text: s.error }) : null,
    s.locked ? h('p', { class: 'notice', text: t('qz.locked') }) : null,
  ].filter(Boolean)); // replaceChildren would write a null as the text "null"
}
