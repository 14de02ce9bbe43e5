// The Print queue view: every job, live. Rows are updated in place
// (dom.keyed + morph), so a live event never moves keyboard focus or the
// scroll position; buttons act through one delegated handler and are named
// for the job they act on ("Reprint Order 1043"). A held or failed job says
// what happened and what to do, and can be sent to another printer.

import { t, has, fmtNumber, fmtTime, fmtDuration } from './i18n.js';
import { $, h, keyed, toast } from './dom.js';
import { state, call, act, errorText, printerName, printerAddresses, onRender, scheduleRender } from './core.js';
import { reasonText } from './printers.js';

const previews = new Map(); // job id -> data URL, or '' when there is none
const MAX_JOBS = 500;
const watched = new Map(); // job id -> {done: catalog key, name}

export async function loadJobs() {
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

const byCreated = (a, b) => (b.createdAt > a.createdAt ? 1 : b.createdAt < a.createdAt ? -1 : (b.id > a.id ? 1 : -1));

export function onJob(job) {
  const seen = state.seen.get(job.id) ?? [];
  if (seen[seen.length - 1] !== job.state) seen.push(job.state);
  state.seen.set(job.id, seen);
  state.jobs.set(job.id, job);
  if (state.jobs.size > MAX_JOBS) {
    const oldest = [...state.jobs.values()].sort(byCreated).slice(MAX_JOBS);
    for (const j of oldest) { state.jobs.delete(j.id); state.seen.delete(j.id); previews.delete(j.id); }
  }
  settleWatch(job);
  scheduleRender('jobs');
}

// watchJob follows a job the panel made: the toast that says it printed
// comes only once it has, and one that says why not if it is held or fails.
export function watchJob(job, what) {
  watched.set(job.id, what);
  const known = state.jobs.get(job.id);
  if (known) settleWatch(known);
}

function settleWatch(job) {
  const w = watched.get(job.id);
  if (!w) return;
  if (job.state === 'done') {
    watched.delete(job.id);
    toast(t(w.done, { name: w.name ?? printerName(job.printer), title: job.title || job.id }));
  } else if (job.state === 'held' || job.state === 'failed' || job.state === 'canceled') {
    watched.delete(job.id);
    if (job.state !== 'canceled') toast(causeText(job), true);
  }
}

// causeText is what happened to a held or failed job and what to do, in
// words: "Printer Shelf does not answer at 127.0.0.1:9100 — check …".
// A job that failed for being held too long names what held it (cause).
export function causeText(j) {
  if (!j.reason) return '';
  const vars = { name: printerName(j.printer), address: printerAddresses.get(j.printer) ?? j.printer };
  const why = j.reason === 'held_too_long' && j.cause ? j.cause : j.reason;
  let text = has(`cause.${why}`) ? t(`cause.${why}`, vars) : (j.detail ? `${reasonText(why)}: ${j.detail}` : reasonText(why));
  if (why !== j.reason) text = t('cause.heldTooLongBecause', { text });
  return text;
}

function jobName(j) { return j.title || t('job.untitledId', { id: j.id }); }

function renderJobs() {
  const f = state.filter;
  const all = [...state.jobs.values()];
  const jobs = all
    .filter((j) => (!f.state || j.state === f.state) && (!f.printer || j.printer === f.printer))
    .sort(byCreated).slice(0, 200);
  const active = all.filter((j) => ['queued', 'sending'].includes(j.state)).length;
  const problems = all.filter((j) => j.state === 'held' || j.state === 'failed').length;
  $('#queue-count').textContent = active ? fmtNumber(active) : '';
  $('#queue-count').title = active ? t('queue.activeCount', { n: fmtNumber(active) }) : '';
  const pb = $('#queue-problems');
  pb.hidden = !problems;
  pb.textContent = problems ? fmtNumber(problems) : '';
  pb.title = problems ? t('queue.problemCount', { n: fmtNumber(problems) }) : '';
  pb.setAttribute('aria-label', pb.title);
  const empty = $('#jobs-empty');
  empty.hidden = jobs.length > 0;
  empty.textContent = t(all.length && !jobs.length ? 'queue.noMatch' : 'queue.empty');
  keyed($('#jobs'), jobs, (j) => j.id, jobRow);
  renderPrinterFilter();
  loadPreviews(jobs.slice(0, 40));
}
onRender('jobs', renderJobs);

function renderPrinterFilter() {
  const sel = $('#filter-printer');
  const current = sel.value;
  const ids = new Set(state.printers.map((p) => p.id));
  for (const j of state.jobs.values()) ids.add(j.printer);
  const want = [['', t('queue.allPrinters')], ...[...ids].sort().map((id) => [id, printerName(id)])];
  const have = [...sel.options].map((o) => [o.value, o.text]);
  if (JSON.stringify(want) === JSON.stringify(have)) return; // untouched: an open list stays open
  sel.replaceChildren(...want.map(([value, text]) => h('option', { value, text })));
  sel.value = ids.has(current) ? current : '';
}

function jobRow(j) {
  const seen = state.seen.get(j.id) ?? [];
  const name = jobName(j);
  const btn = (action, cls, label, aria) => h('button', {
    class: `btn ${cls} btn-small`, type: 'button', 'data-action': action, 'data-job': j.id, 'aria-label': aria,
  }, label);
  const actions = [];
  if (j.state === 'queued' || j.state === 'held') actions.push(btn('cancel', 'btn-danger', t('job.cancel'), t('job.cancelNamed', { name })));
  if (j.state === 'failed' || j.state === 'canceled') actions.push(btn('retry', 'btn-outline', t('job.retry'), t('job.retryNamed', { name })));
  if (j.state === 'failed' || j.state === 'held') actions.push(btn('retry-on', 'btn-outline', t('job.retryOn'), t('job.retryOnNamed', { name })));
  if (j.state === 'done') actions.push(btn('reprint', 'btn-outline', t('job.reprint'), t('job.reprintNamed', { name })));
  const problem = j.state === 'held' || j.state === 'failed';
  const cause = problem ? causeText(j) : '';
  const origin = j.origin === 'panel' ? t('job.fromPanel') : j.origin === 'cli' ? t('job.fromCli') : j.origin;
  const cell = (label, attrs, ...kids) => h('td', { 'data-label': label, ...attrs }, ...kids);
  return h('tr', { class: 'job', 'data-job': j.id, 'data-state': j.state, 'data-states': seen.join(' '), 'data-reason': j.reason || false },
    cell(t('col.label'), { class: 'cell-preview' }, previewCell(j)),
    cell(t('col.job'), { class: 'cell-job' },
      h('div', { class: 'job-title', title: j.title || false, text: j.title || t('job.untitled') }),
      h('div', { class: 'job-id mono', text: j.id }),
      j.reprintOf ? h('div', { class: 'job-reprint', text: t('job.reprintOf', { id: j.reprintOf }) }) : null,
      j.retryOf ? h('div', { class: 'job-reprint', text: t('job.retryOf', { id: j.retryOf }) }) : null),
    cell(t('col.state'), { class: 'cell-state' },
      h('span', { class: `pill pill-${j.state}`, text: t(`job.${j.state}`) }),
      cause ? h('p', { class: 'job-cause', role: 'note', text: cause }) : null),
    cell(t('col.printer'), {}, printerName(j.printer)),
    cell(t('col.from'), {}, h('span', { class: 'origin', title: j.origin, text: origin })),
    cell(t('col.copies'), { class: 'num' }, fmtNumber(j.copies)),
    cell(t('col.created'), { class: 'when' }, h('time', { datetime: j.createdAt, text: fmtTime(j.createdAt) })),
    cell(t('col.took'), { class: 'num' }, j.doneAt ? fmtDuration(new Date(j.doneAt) - new Date(j.createdAt)) : ''),
    cell(t('col.actions'), { class: 'cell-actions' }, h('div', { class: 'row-actions' }, actions)));
}

function previewCell(j) {
  const url = previews.get(j.id);
  if (url) {
    return h('button', { class: 'thumb-btn', type: 'button', 'data-action': 'preview', 'data-job': j.id, 'aria-label': t('job.previewNamed', { name: jobName(j) }) },
      h('img', { class: 'thumb', src: url, alt: '' }));
  }
  return h('div', { class: 'thumb-none', text: url === '' ? t('job.raw') : '' });
}

function openPreview(j) {
  $('#preview-large').src = previews.get(j.id);
  $('#preview-large').alt = t('job.previewNamed', { name: jobName(j) });
  $('#preview-caption').textContent = `${jobName(j)} · ${j.id}`;
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
      scheduleRender('jobs');
    }
  } finally {
    previewBusy = false;
  }
}

// retryOn asks which printer, then sends the job there (jobs.retry with a printer).
function retryOn(j, button) {
  const dlg = $('#retry-dialog');
  $('#retry-title').textContent = t('retry.title', { name: jobName(j) });
  const sel = $('#retry-printer');
  const others = state.printers.filter((p) => p.id !== j.printer);
  sel.replaceChildren(...others.map((p) => h('option', { value: p.id, text: `${p.name || p.id} · ${t(`state.${p.status?.state || 'ready'}`)}` })));
  if (!others.length) { toast(t('retry.noOther'), true); return; }
  dlg.returnValue = '';
  dlg.onclose = () => {
    if (dlg.returnValue !== 'ok') return;
    const printer = sel.value;
    act(button, () => call('jobs.retry', { job: j.id, printer }), (r) => {
      if (r?.job) watchJob(r.job, { done: 'toast.jobPrinted', name: printerName(printer) });
      return t('toast.retryQueuedOn', { name: printerName(printer) });
    });
  };
  dlg.showModal();
}

$('#jobs').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const j = state.jobs.get(b.dataset.job);
  if (!j) return;
  switch (b.dataset.action) {
    case 'preview': openPreview(j); break;
    case 'cancel': act(b, () => call('jobs.cancel', { job: j.id }), t('toast.canceled', { name: jobName(j) })); break;
    case 'retry':
      act(b, () => call('jobs.retry', { job: j.id }), (r) => {
        if (r?.job) watchJob(r.job, { done: 'toast.jobPrinted' });
        return t('toast.retryQueued', { name: jobName(j) });
      });
      break;
    case 'retry-on': retryOn(j, b); break;
    case 'reprint':
      act(b, () => call('jobs.retry', { job: j.id }), (r) => {
        if (r?.job) {
          watchJob(r.job, { done: 'toast.jobPrinted' });
          const url = previews.get(j.id);
          if (url !== undefined) previews.set(r.job.id, url); // the same label: the same preview
        }
        return t('toast.reprintQueued', { name: jobName(j) });
      });
      break;
  }
});

for (const [sel, key] of [['#filter-state', 'state'], ['#filter-printer', 'printer']]) {
  $(sel).addEventListener('change', (e) => {
    state.filter[key] = e.target.value;
    scheduleRender('jobs');
    loadJobs().catch((err) => toast(errorText(err), true));
  });
}
