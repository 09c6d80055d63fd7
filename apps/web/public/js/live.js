// Live updates: one server-sent event stream per signed-in tab (GET /api/me/stream).
// EventSource cannot send the bearer token, so each connection first asks for a one-time ticket.
import { api, session } from './api.js';

let source = null;
let retryTimer = null;
let handlers = {};
let pageHandlers = [];
let attempt = 0;

function connect() {
  clearTimeout(retryTimer);
  if (!session.token) return;
  api.post('/me/stream-ticket', {}).then(({ ticket }) => {
    if (!session.token || !handlers) return;
    source = new EventSource(`/api/me/stream?ticket=${encodeURIComponent(ticket)}`);
    source.addEventListener('open', () => {
      attempt = 0;
      live.connected = true;
    });
    source.addEventListener('evaluation', (e) => dispatch('evaluation', e));
    source.addEventListener('notification', (e) => dispatch('notification', e));
    source.addEventListener('queues', (e) => dispatch('queues', e));
    // A ticket is good once: on any error, close and come back with a new one.
    source.addEventListener('error', () => {
      live.connected = false;
      source?.close();
      source = null;
      retry();
    });
  }).catch(() => retry());
}

function retry() {
  clearTimeout(retryTimer);
  if (!session.token) return;
  attempt = Math.min(attempt + 1, 6);
  retryTimer = setTimeout(connect, 1000 * 2 ** (attempt - 1));
}

function dispatch(type, e) {
  let data;
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  const own = type === 'evaluation' ? handlers.onEvaluation : type === 'notification' ? handlers.onNotification : handlers.onQueues;
  own?.(data);
  for (const h of pageHandlers) if (h.type === type) h.fn(data);
}

export const live = {
  connected: false,
  start(h) {
    handlers = h;
    if (!source && !retryTimer) connect();
  },
  stop() {
    clearTimeout(retryTimer);
    retryTimer = null;
    source?.close();
    source = null;
    live.connected = false;
    attempt = 0;
  },
  /** A page listens while it is shown (cleared on every navigation). */
  on(type, fn) {
    pageHandlers.push({ type, fn });
  },
  clearPageHandlers() {
    pageHandlers = [];
  },
};
