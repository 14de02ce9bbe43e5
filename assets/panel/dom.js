// DOM helpers of the panel: h() builds elements (text only ever through
// textContent: everything from the agent is untrusted), morph() brings an
// element up to date in place so that live updates change only what
// changed (keyboard focus, selection and scroll stay), keyed() keeps a
// list's children in step with keyed items, toast() shows a short notice.

export const $ = (sel) => document.querySelector(sel);

export function h(tag, attrs = {}, ...children) {
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

// morph makes el look like want (same tag) without replacing el or any
// descendant whose tag is unchanged: attributes and text are patched, extra
// children removed, missing ones appended. Event handlers must not close
// over data (use delegation on a container with data- attributes), since
// el's own listeners stay.
export function morph(el, want) {
  if (el.nodeType === Node.TEXT_NODE) {
    if (el.data !== want.data) el.data = want.data;
    return;
  }
  for (const a of [...el.attributes]) if (!want.hasAttribute(a.name)) el.removeAttribute(a.name);
  for (const a of want.attributes) if (el.getAttribute(a.name) !== a.value) el.setAttribute(a.name, a.value);
  if ('disabled' in want && el.disabled !== want.disabled) el.disabled = want.disabled;
  if (want.tagName === 'SELECT' || want.tagName === 'INPUT') return; // their value is the user's
  const have = [...el.childNodes];
  const need = [...want.childNodes];
  for (let i = 0; i < need.length; i++) {
    const a = have[i];
    const b = need[i];
    if (a && a.nodeType === b.nodeType && a.nodeName === b.nodeName) morph(a, b);
    else if (a) el.replaceChild(b, a);
    else el.append(b);
  }
  for (let i = need.length; i < have.length; i++) have[i].remove();
}

// keyed makes parent's children the elements for items, in order: an
// existing child (found by its data-key) is morphed in place, a new one is
// inserted, a gone one removed. Existing children are only moved when the
// order changed, so a focused control in a row that stays keeps its focus.
export function keyed(parent, items, keyOf, build) {
  const old = new Map();
  for (const c of parent.children) old.set(c.dataset.key, c);
  const wanted = items.map((it) => {
    const el = build(it);
    el.dataset.key = keyOf(it);
    const prev = old.get(el.dataset.key);
    old.delete(el.dataset.key);
    if (prev && prev.tagName === el.tagName) { morph(prev, el); return prev; }
    if (prev) prev.remove();
    return el;
  });
  for (const c of old.values()) c.remove();
  let at = parent.firstElementChild;
  for (const el of wanted) {
    if (at === el) { at = at.nextElementSibling; continue; }
    parent.insertBefore(el, at);
  }
}

export function toast(message, isError = false) {
  const el = h('div', { class: 'toast' + (isError ? ' error' : ''), role: isError ? 'alert' : 'status', text: message });
  const box = $('#toasts');
  box.append(el);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => el.remove(), isError ? 8000 : 4000);
}
