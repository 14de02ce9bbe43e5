// The secure-connections card, at the end of the Sites tab: whether this
// user's browsers trust Labelbridge's local certificate (needed by https
// pages that use wss://, Safari, and Browser Print over https), a button
// that installs it (trust.install, what `labelbridge trust install` does),
// and every extra listener with the program holding its port when it
// could not start.

import { t } from './i18n.js';
import { $, h } from './dom.js';
import { call, act } from './core.js';

export async function loadTrust() {
  render(await call('trust.get'));
}

function render(s) {
  let card = $('#trust-card');
  if (!card) {
    card = h('div', { class: 'card', id: 'trust-card' });
    $('#tab-sites').append(card);
  }
  const button = h('button', { type: 'button', class: 'btn btn-primary', id: 'trust-install', text: t('trust.install') });
  button.addEventListener('click', () => act(button, async () => render(await call('trust.install')), t('trust.installed')));
  const stores = (s.stores || []).map((st) => h('li', {
    text: `${st.location}: ${st.trusted ? t('trust.yes') : t('trust.no')}${st.error ? ' (' + st.error + ')' : ''}`,
  }));
  const listeners = (s.listeners || []).map((l) => h('li', {
    class: l.listening ? '' : 'warning',
    text: l.listening ? t('trust.listening', { name: l.name, url: l.url }) : t('trust.notListening', { name: l.name, error: l.error || '' }),
  }));
  card.replaceChildren(...[
    h('h2', { text: t('trust.title') }),
    h('p', { class: 'muted', text: t('trust.help') }),
    h('p', { id: 'trust-state', role: 'status', text: s.trusted ? t('trust.trusted') : (s.explain || t('trust.untrusted')) }),
    stores.length ? h('ul', { id: 'trust-stores' }, ...stores) : null,
    s.trusted ? null : button,
    s.sha256 ? h('p', { class: 'muted', text: t('trust.fingerprint', { sha256: s.sha256, until: (s.notAfter || '').slice(0, 10) }) }) : null,
    listeners.length ? h('h3', { text: t('trust.listeners') }) : null,
    listeners.length ? h('ul', { id: 'trust-listeners' }, ...listeners) : null,
  ].filter(Boolean)); // replaceChildren would write a null as the text "null"
}
