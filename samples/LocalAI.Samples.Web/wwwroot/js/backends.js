// Backends: one card per backend from the live status stream (server-sent events from BackendManager.StatusChanged).
import { el, json, orDash } from './api.js';

const listeners = new Set();
let latest = null;

/** Calls listener(view) with every backend view that arrives (and the latest one at once). */
export function onBackends(listener) {
  listeners.add(listener);
  if (latest) {
    listener(latest);
  }
  return () => listeners.delete(listener);
}

export function startBackends(section) {
  const cards = section.querySelector('#backend-cards');
  const connection = section.querySelector('#backends-connection');
  const summary = document.getElementById('active-summary');
  const events = new EventSource('api/backends/events');

  events.addEventListener('open', () => { connection.textContent = 'connected'; });
  events.addEventListener('error', () => { connection.textContent = 'reconnecting…'; });
  events.addEventListener('backends', event => {
    latest = JSON.parse(event.data);
    render(cards, latest);
    summary.textContent = `Chat: ${latest.activeChatBackend ?? 'none available'} · Embeddings: ${latest.activeEmbeddingBackend ?? 'none available'}`;
    for (const listener of listeners) {
      listener(latest);
    }
  });

  cards.addEventListener('click', async event => {
    const button = event.target.closest('button[data-switch]');
    if (!button) {
      return;
    }
    const card = button.closest('.card');
    const message = card.querySelector('.switch-message');
    button.disabled = true;
    message.textContent = 'switching…';
    try {
      await json('POST', `api/backends/${encodeURIComponent(button.dataset.switch)}/switch`);
      message.textContent = '';
    } catch (error) {
      message.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
  return {};
}

function render(container, view) {
  const focused = document.activeElement?.dataset?.switch;
  container.replaceChildren(...view.backends.map(b => card(b, view)));
  if (focused) {
    container.querySelector(`button[data-switch="${CSS.escape(focused)}"]`)?.focus();
  }
}

function card(backend, view) {
  const titleId = `backend-${backend.id}-title`;
  const tags = [];
  if (backend.id === view.activeChatBackend) {
    tags.push(el('span', { class: 'tag active', 'data-active': 'chat' }, 'active for chat'));
  }
  if (backend.id === view.activeEmbeddingBackend) {
    tags.push(el('span', { class: 'tag active', 'data-active': 'embeddings' }, 'active for embeddings'));
  }
  if (backend.isPreferred) {
    tags.push(el('span', { class: 'tag active', 'data-preferred': 'true' }, 'preferred'));
  }
  const circuitClass = backend.circuit === 'closed' ? '' : 'circuit-open';
  return el('article', { class: 'card', 'data-backend': backend.id, 'data-available': String(backend.isAvailable), 'aria-labelledby': titleId },
    el('header', {},
      el('h3', { id: titleId }, backend.id),
      el('span', { class: `state ${backend.isAvailable ? 'available' : 'unavailable'}` }, backend.isAvailable ? 'available' : 'unavailable')),
    el('div', { class: 'tags' }, tags),
    backend.isAvailable ? null : el('p', { class: 'reason' }, backend.reason ?? 'unavailable'),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Version'), el('dd', { class: 'version' }, orDash(backend.version)),
      el('dt', {}, 'Probe'), el('dd', { class: 'latency' }, `${backend.probeLatencyMs.toFixed(1)} ms`),
      el('dt', {}, 'Circuit'), el('dd', { class: `circuit ${circuitClass}` }, backend.circuit),
      el('dt', {}, 'Order'), el('dd', { class: 'order' }, String(backend.order + 1)),
      el('dt', {}, 'Can'), el('dd', {}, backend.capabilities.join(', '))),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'secondary', 'data-switch': backend.id, disabled: backend.isPreferred, 'aria-describedby': titleId }, backend.isPreferred ? 'Preferred' : 'Make preferred'),
      el('span', { class: 'switch-message', role: 'status' })));
}
