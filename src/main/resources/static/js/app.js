// Enrich web page: sign in with an API key, submit sessions, watch every job live, browse results.
import {auth, getJson, ApiError} from './api.js';
import {initTheme} from './theme.js';
import {initSubmit} from './submit.js';
import {initJobs, applyEvent, clearJobs} from './jobs.js';
import {openUserStream} from './stream.js';
import {announce} from './dom.js';

const CONNECTION_WORDS = {idle: 'Not connected', connecting: 'Connecting…', live: 'Live',
  reconnecting: 'Reconnecting…', 'signed-out': 'Signed out', closed: 'Not connected'};

let stream = null;

function showConnection(state) {
  const el = document.getElementById('connection');
  el.dataset.state = state;
  el.textContent = CONNECTION_WORDS[state] || state;
  if (state === 'reconnecting') announce('Connection lost. Reconnecting…');
}

function showSignIn(message) {
  if (stream) stream.close();
  stream = null;
  clearJobs();
  document.getElementById('app').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('sign-in').hidden = false;
  document.getElementById('sign-in-error').textContent = message || '';
  document.getElementById('api-key').focus();
}

function showApp() {
  document.getElementById('sign-in').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('sign-out').hidden = false;
  if (!stream) stream = openUserStream({onEvent: showEvent, onState: showConnection});
}

function showEvent(event) {
  // The last event shown, for support and tests: the stream resumes after it.
  document.getElementById('connection').dataset.lastSeq = event.seq;
  applyEvent(event);
}

async function signIn(event) {
  event.preventDefault();
  const input = document.getElementById('api-key');
  const key = input.value.trim();
  if (!key) return;
  auth.signIn(key);
  input.value = '';
  try {
    // Any authenticated call proves the key; the job list is cheap.
    await getJson('/api/v1/jobs?limit=1');
    showApp();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      document.getElementById('sign-in-error').textContent = e.message;
    }
  }
}

initTheme();
initJobs();
initSubmit();
auth.onUnauthorized(() => {
  auth.signOut();
  showSignIn('That API key was not accepted. Please sign in again.');
});
document.getElementById('sign-in-form').addEventListener('submit', signIn);
document.getElementById('sign-out').addEventListener('click', () => {
  auth.signOut();
  showSignIn();
});
if (auth.key()) showApp(); else showSignIn();
