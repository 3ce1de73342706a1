// The "New session" form: files by picker or drag and drop, stages, start one job or gather a batch.
import {h, announce} from './dom.js';
import {getJson} from './api.js';
import {rememberTitle, showJob, showBatch} from './jobs.js';

const chosen = {audio: null, video: null, frames: []};
const draft = [];
let form;

/** Wire the form. */
export function initSubmit() {
  form = document.getElementById('session-form');
  for (const kind of ['audio', 'video', 'frames']) {
    form.elements[kind].addEventListener('change', event => {
      const files = [...event.target.files];
      if (kind === 'frames') chosen.frames = files; else chosen[kind] = files[0] || null;
      showChosen();
    });
  }
  const zone = document.getElementById('drop-zone');
  zone.addEventListener('dragover', event => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', event => {
    event.preventDefault();
    zone.classList.remove('dragging');
    addFiles([...event.dataTransfer.files]);
  });
  zone.addEventListener('keydown', event => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      form.elements.audio.focus(); // the pickers follow: audio, video, screenshots
    }
  });
  // A file dropped beside the zone must not make the browser leave the page.
  document.addEventListener('dragover', event => event.preventDefault());
  document.addEventListener('drop', event => event.preventDefault());
  form.addEventListener('submit', event => {
    event.preventDefault();
    busy(startOne);
  });
  document.getElementById('add-to-batch').addEventListener('click', () => busy(addToBatch));
  document.getElementById('start-batch').addEventListener('click', () => busy(startBatch));
}

/** Sort dropped files by kind: WAV is audio, MP4 is video, images are screenshots. */
function addFiles(files) {
  for (const file of files) {
    const name = file.name.toLowerCase();
    if (file.type.startsWith('audio/') || name.endsWith('.wav')) chosen.audio = file;
    else if (file.type.startsWith('video/') || name.endsWith('.mp4')) chosen.video = file;
    else if (file.type.startsWith('image/')) chosen.frames.push(file);
  }
  showChosen();
}

function showChosen() {
  const items = [];
  if (chosen.audio) items.push(h('li', {}, `Audio: ${chosen.audio.name}`));
  if (chosen.video) items.push(h('li', {}, `Video: ${chosen.video.name}`));
  if (chosen.frames.length) items.push(h('li', {}, `Screenshots: ${chosen.frames.length}`));
  document.getElementById('chosen-files').replaceChildren(...items);
}

function stages() {
  return [...form.querySelectorAll('input[name=stage]:checked')].map(box => box.value);
}

async function busy(action) {
  const error = document.getElementById('form-error');
  error.textContent = '';
  const buttons = document.querySelectorAll('#session-form button, #start-batch');
  buttons.forEach(button => { button.disabled = true; });
  try {
    await action();
  } catch (e) {
    error.textContent = e.message;
  } finally {
    buttons.forEach(button => { button.disabled = false; });
  }
}

/** Upload the form's session; returns {id, title}. */
async function upload() {
  const title = form.elements.title.value.trim();
  if (!title) throw new Error('Give the session a title.');
  if (!stages().length) throw new Error('Choose at least one stage.');
  const metadata = {title};
  for (const field of ['notes', 'transcript']) {
    const value = form.elements[field].value.trim();
    if (value) metadata[field] = value;
  }
  const body = new FormData();
  body.append('metadata', new Blob([JSON.stringify(metadata)], {type: 'application/json'}));
  if (chosen.audio) body.append('audio', chosen.audio);
  if (chosen.video) body.append('video', chosen.video);
  chosen.frames.forEach(frame => body.append('frames', frame));
  const session = await getJson('/api/v1/sessions', {method: 'POST', form: body});
  rememberTitle(session.id, session.title);
  resetForm();
  return session;
}

function resetForm() {
  form.reset();
  chosen.audio = null;
  chosen.video = null;
  chosen.frames = [];
  showChosen();
}

async function startOne() {
  const wanted = stages();
  const session = await upload();
  const answer = await getJson(`/api/v1/sessions/${encodeURIComponent(session.id)}/enrichments`,
    {method: 'POST', json: {stages: wanted}});
  showJob(answer.job);
  announce(`Started enriching ${session.title}.`);
}

async function addToBatch() {
  const session = await upload();
  draft.push(session);
  showDraft();
  announce(`${session.title} added to the batch.`);
}

async function startBatch() {
  if (!draft.length) return;
  const answer = await getJson('/api/v1/batches', {method: 'POST',
    json: {sessionIds: draft.map(session => session.id), stages: stages()}});
  announce(`Started a batch of ${draft.length} sessions.`);
  draft.length = 0;
  showDraft();
  showBatch(answer.batchId, answer.jobIds);
  // A few at a time: a large batch must not use up the tenant's request rate (the stream brings the rest).
  for (let i = 0; i < answer.jobIds.length; i += 4) {
    await Promise.all(answer.jobIds.slice(i, i + 4)
      .map(id => getJson('/api/v1/jobs/' + encodeURIComponent(id)).then(showJob)));
  }
}

function showDraft() {
  document.getElementById('batch-draft').hidden = !draft.length;
  document.getElementById('batch-sessions').replaceChildren(...draft.map(session => h('li', {}, session.title)));
  document.getElementById('start-batch').textContent = `Start batch of ${draft.length}`;
}

