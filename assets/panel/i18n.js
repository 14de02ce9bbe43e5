// Panel i18n: one message catalog per language (i18n/en.json, i18n/ko.json,
// the same keys in each), the language chosen from the panel's switch (kept
// in localStorage) or else the browser's languages, and dates and numbers
// formatted with Intl in that language. Every user-facing string of the
// panel is a catalog key: index.html marks elements with data-i18n (text),
// data-i18n-aria-label, data-i18n-placeholder, data-i18n-title and
// data-i18n-alt; scripts call t('key', {vars}). A test checks that the
// catalogs have the same keys, that every key used exists, and that
// panel.js and index.html hold no literal text.

export const LANGUAGES = ['en', 'ko'];
const STORE_KEY = 'labelbridge.lang';

let lang = 'en';
let catalog = {};
let fallback = {};

// pickLanguage is the saved choice, else the first of the browser's
// languages the panel has, else English.
export function pickLanguage() {
  const saved = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = String(l || '').toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

async function fetchCatalog(l) {
  const r = await fetch(`/panel/i18n/${l}.json`, { credentials: 'omit' });
  if (!r.ok) throw new Error(`catalog ${l}: HTTP ${r.status}`);
  return r.json();
}

// setLanguage loads l's catalog (English stays the fallback for a key a
// catalog lacks) and applies it to the document.
export async function setLanguage(l, { save = false } = {}) {
  if (!LANGUAGES.includes(l)) l = 'en';
  if (!Object.keys(fallback).length) fallback = await fetchCatalog('en');
  catalog = l === 'en' ? fallback : await fetchCatalog(l);
  lang = l;
  if (save) localStorage.setItem(STORE_KEY, l);
  document.documentElement.lang = l;
  applyStatic(document);
}

export function language() { return lang; }

// t is the message for key in the chosen language, with {name}
// placeholders filled from vars.
export function t(key, vars) {
  const msg = catalog[key] ?? fallback[key] ?? key;
  if (!vars) return msg;
  return msg.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// has reports whether the catalog has key (for optional messages such as
// the cause of a reason).
export function has(key) { return key in catalog || key in fallback; }

const ATTRS = ['aria-label', 'placeholder', 'title', 'alt'];

// applyStatic fills the marked elements under root in the chosen language.
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const a of ATTRS) {
    for (const el of root.querySelectorAll(`[data-i18n-${a}]`)) el.setAttribute(a, t(el.getAttribute(`data-i18n-${a}`)));
  }
}

// fmtNumber formats n in the chosen language.
export function fmtNumber(n, opts) { return new Intl.NumberFormat(lang, opts).format(n); }

// fmtTime is a job's time: the time of day today, else the date and time.
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d)
    : new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

// fmtDuration is a duration in milliseconds, in the chosen language's units.
export function fmtDuration(ms) {
  ms = Math.max(ms, 0);
  if (ms < 1000) return fmtNumber(ms, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' });
  if (ms < 60000) return fmtNumber(ms / 1000, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 });
  return fmtNumber(Math.round(ms / 60000), { style: 'unit', unit: 'minute', unitDisplay: 'short' });
}
