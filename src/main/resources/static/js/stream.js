// One EventSource for all of the user's jobs, resumed by hand after a drop (stream tickets are single-use).
import {call, ApiError} from './api.js';

const EVENT_TYPES = ['snapshot', 'stage', 'progress', 'retrying', 'completed', 'partial', 'failed', 'cancelled',
  'interrupted', 'batch'];
const BACKOFF_MS = [250, 500, 1000, 2000, 3000];

/**
 * Open the user's event stream. `onEvent(event)` gets each event once, in order (duplicates by `seq` are dropped);
 * `onState(state)` gets 'connecting', 'live', 'reconnecting' or 'signed-out'. Returns {close}.
 */
export function openUserStream({onEvent, onState}) {
  let lastId = null;
  let source = null;
  let failures = 0;
  let timer = null;
  let closed = false;

  async function open() {
    timer = null;
    onState(failures === 0 && lastId === null ? 'connecting' : 'reconnecting');
    const params = new URLSearchParams();
    try {
      const ticket = await (await call('/api/v1/stream-tickets', {method: 'POST', json: {}})).json();
      params.set('ticket', ticket.ticket);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return stop('signed-out');
      return retryLater();
    }
    if (closed) return;
    if (lastId !== null) params.set('lastEventId', String(lastId));
    source = new EventSource('/api/v1/events?' + params.toString());
    source.addEventListener('open', () => {
      failures = 0;
      onState('live');
    });
    // The browser's own reconnect would reuse a used ticket: close and reconnect with a fresh one instead.
    source.addEventListener('error', () => {
      source.close();
      source = null;
      retryLater();
    });
    for (const type of EVENT_TYPES) source.addEventListener(type, receive);
  }

  function receive(message) {
    const seq = Number(message.lastEventId);
    // A snapshot restarts the numbering we trust; anything at or below the last id was already shown.
    if (message.type !== 'snapshot' && lastId !== null && seq <= lastId) return;
    lastId = seq;
    onEvent(JSON.parse(message.data));
  }

  function retryLater() {
    if (closed) return;
    onState('reconnecting');
    const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
    failures++;
    timer = setTimeout(open, delay);
  }

  function stop(state) {
    closed = true;
    if (timer) clearTimeout(timer);
    if (source) source.close();
    source = null;
    onState(state);
  }

  open();
  return {close: () => stop('closed'), lastEventId: () => lastId};
}
