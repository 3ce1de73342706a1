// Job cards and batch summaries, kept up to date from the user's event stream.
import {h, progressBar, setProgress, clock, etaText, announce} from './dom.js';
import {getJson} from './api.js';
import {renderResults} from './results.js';

const STAGES = ['audio', 'video', 'summary', 'canvas'];
const STAGE_ICONS = {pending: '○', running: '⟳', retrying: '↻', succeeded: '✓', degraded: '!', failed: '✗',
  skipped: '–', cancelled: '⊘'};
const STAGE_WORDS = {pending: 'Waiting', running: 'Running', retrying: 'Retrying', succeeded: 'Done',
  degraded: 'Degraded', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled'};
const JOB_WORDS = {queued: 'Queued', running: 'Running', completed: 'Completed', partial: 'Partially enriched',
  failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted'};
const TERMINAL = new Set(['completed', 'partial', 'failed', 'cancelled', 'interrupted']);

const cards = new Map();
const batches = new Map();
const titles = new Map();
let list;
let emptyNote;
let batchArea;

/** Attach to the page's job list; start the elapsed-time ticker. */
export function initJobs() {
  list = document.getElementById('jobs');
  emptyNote = document.getElementById('no-jobs');
  batchArea = document.getElementById('batches');
  setInterval(() => cards.forEach(updateTimes), 1000);
}

/** Remember a session's title so its cards need not ask the server. */
export function rememberTitle(sessionId, title) {
  titles.set(sessionId, Promise.resolve(title));
}

/** Show a job the page just started (the POST answer), before its first event arrives. */
export function showJob(view) {
  upsert(view);
}

/** Show a batch the page just started. */
export function showBatch(batchId, jobIds) {
  batchOf(batchId, jobIds);
}

/** Forget every card (sign out). */
export function clearJobs() {
  cards.clear();
  batches.clear();
  list.replaceChildren();
  batchArea.replaceChildren();
  emptyNote.hidden = false;
}

/** Apply one event of the user's stream. */
export function applyEvent(event) {
  if (event.type === 'snapshot') {
    (event.detail && event.detail.jobs || []).slice().reverse().forEach(view => upsert(view, true));
    return;
  }
  if (event.type === 'batch') {
    // The server's batch view: counts, overall progress and ETA. Stream order is trusted as it comes.
    if (event.detail) showBatchView(event.detail, true);
    return;
  }
  if (!event.jobId) return;
  let card = cards.get(event.jobId);
  if (!card) {
    card = upsert({id: event.jobId, state: event.state, progress: event.progress, message: event.message,
      stages: [], batchId: event.batchId});
    // An event for a job this page has not seen: fill in its session and stages.
    getJson('/api/v1/jobs/' + encodeURIComponent(event.jobId)).then(upsert).catch(() => {});
  }
  const job = card.job;
  job.state = event.state;
  job.progress = event.progress;
  job.etaSeconds = event.etaSeconds;
  job.etaText = event.detail && event.detail.etaText;
  job.message = event.message;
  if (!job.startedAt && event.state === 'running') job.startedAt = event.at;
  if (event.stage) {
    const stage = card.stages.get(event.stage) || addStage(card, event.stage);
    if (event.type === 'stage') {
      stage.state = event.stageState;
      stage.message = event.message;
      stage.history.push(event.stageState);
      announceStage(card, event.stage, event.stageState);
    } else if (event.type === 'retrying') {
      stage.state = 'retrying';
      stage.message = event.message;
      announceStage(card, event.stage, 'retrying');
    } else if (stage.state === 'retrying' || stage.state === 'pending') {
      stage.state = 'running';
    }
    if (event.stageProgress != null) stage.progress = event.stageProgress;
  }
  if (TERMINAL.has(event.type)) {
    job.finishedAt = event.at;
    announceCard(card, JOB_WORDS[event.state] || event.state);
    // The final view carries each stage's outcome message; then show the results.
    getJson('/api/v1/jobs/' + encodeURIComponent(event.jobId))
      .then(view => {
        upsert(view);
        if (view.state === 'completed' || view.state === 'partial') openResults(card);
      })
      .catch(() => {});
  }
  render(card);
}

// Stage changes, not progress ticks, go to the live region: "Standup: audio done".
function announceStage(card, name, state) {
  announceCard(card, `${name} ${(STAGE_WORDS[state] || state).toLowerCase()}`);
}

// Events may come before the card knows its session's title: announce, in order, once it does.
function announceCard(card, text) {
  card.titled.then(title => announce(`${title}: ${text}`));
}

/**
 * Show a job view. `ordered` views (snapshots on the stream) replace what the card shows; views from HTTP answers
 * may arrive after newer events, so they only move the job and its stages forward.
 */
function upsert(view, ordered = false) {
  let card = cards.get(view.id);
  if (!card) {
    card = createCard(view);
    cards.set(view.id, card);
    list.prepend(card.el);
    emptyNote.hidden = true;
  }
  const job = card.job;
  if (ordered || job.state === undefined || ahead(rank(view.state), view.progress, rank(job.state), job.progress)) {
    Object.assign(job, view);
  } else {
    Object.assign(job, {sessionId: view.sessionId, batchId: view.batchId, stages: view.stages});
  }
  for (const status of view.stages || []) {
    const stage = card.stages.get(status.stage) || addStage(card, status.stage);
    if (ordered || ahead(stageRank(status.state), status.progress, stageRank(stage.state), stage.progress)) {
      stage.state = status.state;
      stage.progress = status.progress;
      stage.message = status.message;
    }
  }
  if (view.sessionId && !card.sessionId) {
    card.sessionId = view.sessionId;
    titleOf(view.sessionId).then(title => {
      card.title.textContent = title;
      card.nameTitle(title);
      // Every card has these controls: name them after the session for screen readers.
      card.el.querySelector('button.cancel').setAttribute('aria-label', `Cancel ${title}`);
      card.el.querySelector('button.retry').setAttribute('aria-label', `Retry ${title}`);
      card.el.querySelector('.overall [role=progressbar]')?.setAttribute('aria-label', `${title}: overall progress`);
    });
  }
  if (view.batchId) batchOf(view.batchId, [view.id]);
  render(card);
  return card;
}

function rank(state) {
  return state === 'queued' ? 0 : state === 'running' ? 1 : 2;
}

function stageRank(state) {
  return state === 'pending' ? 0 : state === 'running' || state === 'retrying' ? 1 : 2;
}

function ahead(rankA, progressA, rankB, progressB) {
  return rankA > rankB || (rankA === rankB && (progressA || 0) >= (progressB || 0));
}

function createCard(view) {
  const title = h('h3', {class: 'job-title'}, 'Session');
  const badge = h('span', {class: 'badge'});
  const bar = progressBar('Overall progress');
  const pct = h('span', {class: 'pct'}, '0%');
  const elapsed = h('span', {class: 'elapsed'});
  const eta = h('span', {class: 'eta'});
  const message = h('p', {class: 'message'});
  const notice = h('p', {class: 'notice', hidden: true});
  const stageList = h('ul', {class: 'stages', 'aria-label': 'Stages'});
  const cancel = h('button', {type: 'button', class: 'cancel'}, 'Cancel');
  const retry = h('button', {type: 'button', class: 'retry'}, 'Retry');
  const results = h('details', {class: 'results', hidden: true}, h('summary', {}, 'Results'),
    h('div', {class: 'results-body'}));
  const el = h('li', {class: 'job', 'data-job-id': view.id},
    h('div', {class: 'job-head'}, title, badge),
    h('div', {class: 'overall'}, bar, pct),
    h('p', {class: 'times'}, elapsed, eta),
    message, notice, stageList,
    h('div', {class: 'card-actions'}, cancel, retry),
    results);
  const card = {el, title, badge, bar, pct, elapsed, eta, message, notice, stageList, cancel, retry, results,
    job: {id: view.id}, stages: new Map(), sessionId: null, resultsLoaded: false};
  card.titled = new Promise(resolve => { card.nameTitle = resolve; });
  cancel.addEventListener('click', () => act(card, 'DELETE', ''));
  retry.addEventListener('click', () => act(card, 'POST', '/retry'));
  results.addEventListener('toggle', () => { if (results.open) loadResults(card); });
  STAGES.forEach(name => addStage(card, name));
  return card;
}

function addStage(card, name) {
  const icon = h('span', {class: 'icon', 'aria-hidden': 'true'});
  const word = h('span', {class: 'stage-state'});
  const bar = progressBar(`${name} progress`);
  const note = h('span', {class: 'stage-message'});
  const el = h('li', {class: 'stage', 'data-stage': name}, icon, h('span', {class: 'stage-name'}, name), word, bar,
    note);
  const stage = {el, icon, word, bar, note, state: 'pending', progress: 0, message: null, history: []};
  card.stages.set(name, stage);
  card.stageList.append(el);
  return stage;
}

function render(card) {
  const job = card.job;
  card.el.dataset.state = job.state;
  card.badge.textContent = JOB_WORDS[job.state] || job.state;
  card.message.textContent = job.message || '';
  const terminal = TERMINAL.has(job.state);
  const eta = job.state === 'queued' ? queueText(job) : job.etaText || etaText(job.etaSeconds);
  card.eta.textContent = terminal ? '' : eta;
  card.pct.textContent = setProgress(card.bar, job.progress, terminal ? card.badge.textContent : eta) + '%';
  card.cancel.hidden = terminal;
  card.retry.hidden = !terminal || job.state === 'completed';
  card.notice.hidden = job.state !== 'partial';
  card.notice.textContent = job.state === 'partial'
    ? `Partially enriched: ${job.message} Results below show what did work.` : '';
  card.results.hidden = !(job.state === 'completed' || job.state === 'partial');
  for (const [name, stage] of card.stages) {
    // Stages a job does not run (not requested) are not shown.
    const known = (job.stages || []).some(s => s.stage === name) || stage.state !== 'pending';
    stage.el.hidden = !known;
    stage.el.dataset.state = stage.state;
    stage.el.dataset.history = stage.history.join(' ');
    stage.icon.textContent = STAGE_ICONS[stage.state] || '○';
    stage.word.textContent = STAGE_WORDS[stage.state] || stage.state;
    stage.bar.hidden = !(stage.state === 'running' || stage.state === 'retrying');
    setProgress(stage.bar, stage.progress);
    // A stage that went well says so with its icon; only trouble and skips need words.
    const troubled = ['degraded', 'failed', 'skipped', 'retrying'].includes(stage.state);
    stage.note.textContent = troubled ? stage.message || '' : '';
  }
  updateTimes(card);
}

function queueText(job) {
  if (job.queuePosition == null) return 'Waiting to start';
  const start = job.expectedStartSeconds == null ? ''
    : `, starts in ${etaText(job.expectedStartSeconds).replace(' remaining', '')}`;
  return `#${job.queuePosition} in line${start}`;
}

function updateTimes(card) {
  const job = card.job;
  if (!job.startedAt) {
    card.elapsed.textContent = 'Elapsed 0:00';
    return;
  }
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  card.elapsed.textContent = 'Elapsed ' + clock((end - Date.parse(job.startedAt)) / 1000);
}

async function act(card, method, suffix) {
  const button = suffix ? card.retry : card.cancel;
  button.disabled = true;
  try {
    if (suffix) {
      // A retry runs again under the same id: start the card afresh before the new run's events can arrive.
      card.stages.forEach(stage => Object.assign(stage, {state: 'pending', progress: 0, message: null, history: []}));
      Object.assign(card.job, {state: 'queued', progress: 0, startedAt: null, finishedAt: null});
      card.resultsLoaded = false;
      card.results.open = false;
    }
    upsert(await getJson('/api/v1/jobs/' + encodeURIComponent(card.job.id) + suffix, {method}));
  } catch (e) {
    card.message.textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

function openResults(card) {
  card.results.hidden = false;
  card.results.open = true;
  loadResults(card);
}

function loadResults(card) {
  if (card.resultsLoaded || !card.sessionId) return;
  card.resultsLoaded = true;
  const body = card.results.querySelector('.results-body');
  renderResults(body, card.sessionId).catch(e => {
    card.resultsLoaded = false;
    body.replaceChildren(h('p', {class: 'error'}, e.message));
  });
}

function titleOf(sessionId) {
  if (!titles.has(sessionId)) {
    titles.set(sessionId, getJson('/api/v1/sessions/' + encodeURIComponent(sessionId))
      .then(session => session.title).catch(() => 'Session'));
  }
  return titles.get(sessionId);
}

function batchOf(batchId, jobIds) {
  let batch = batches.get(batchId);
  if (!batch) {
    const bar = progressBar('Batch progress');
    const text = h('span', {class: 'batch-count'});
    const pct = h('span', {class: 'pct'});
    const eta = h('span', {class: 'eta'});
    const el = h('div', {class: 'batch', 'data-batch-id': batchId},
      h('p', {class: 'batch-head'}, h('strong', {}, 'Batch'), text), h('div', {class: 'overall'}, bar, pct),
      h('p', {class: 'times'}, eta));
    batch = {el, bar, text, pct, eta, jobIds: new Set(), view: null};
    batches.set(batchId, batch);
    batchArea.prepend(el);
    // Until the stream brings a batch event, ask for the batch's view once.
    getJson('/api/v1/batches/' + encodeURIComponent(batchId)).then(view => showBatchView(view, false))
      .catch(() => {});
  }
  (jobIds || []).forEach(id => batch.jobIds.add(id));
  renderBatch(batch);
  return batch;
}

/**
 * Show a batch view from the server. Views from the stream (`ordered`) replace what is shown; the HTTP answer may
 * arrive after newer events, so it only applies when it is the first view or has more jobs done.
 */
function showBatchView(view, ordered) {
  const batch = batchOf(view.id, view.jobIds);
  if (ordered || !batch.view || view.done > batch.view.done) {
    batch.view = view;
    renderBatch(batch);
  }
}

function renderBatch(batch) {
  const view = batch.view || {total: batch.jobIds.size, done: 0, progress: 0, state: 'queued'};
  const finished = TERMINAL.has(view.state);
  batch.el.dataset.done = String(finished);
  batch.text.textContent = `${view.done} of ${view.total} done`;
  batch.eta.textContent = finished ? 'All sessions done.' : view.etaText || etaText(view.etaSeconds);
  batch.pct.textContent = setProgress(batch.bar, view.progress, batch.eta.textContent) + '%';
}
