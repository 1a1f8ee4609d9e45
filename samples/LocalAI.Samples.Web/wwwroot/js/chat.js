// Chat: streams tokens as they arrive over the OpenAI-compatible endpoint; names the serving backend, time to first
// token and usage per answer; Stop aborts the request, which cancels the generation on the server.
import { el, ensureOk, readEvents } from './api.js';
import { searchPassages } from './rag.js';

const history = [];

export function startChat(section) {
  const form = section.querySelector('#chat-form');
  const input = section.querySelector('#chat-input');
  const send = section.querySelector('#chat-send');
  const stop = section.querySelector('#chat-stop');
  const log = section.querySelector('#chat-log');
  const useRag = section.querySelector('#chat-rag');
  const maxTokens = section.querySelector('#chat-max-tokens');
  let controller = null;

  stop.addEventListener('click', () => controller?.abort());
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || controller) {
      return;
    }
    input.value = '';
    controller = new AbortController();
    send.disabled = true;
    stop.disabled = false;
    try {
      await ask(log, question, useRag.checked, Number(maxTokens.value) || undefined, controller.signal);
    } finally {
      controller = null;
      send.disabled = false;
      stop.disabled = true;
      input.focus();
    }
  });
  return {};
}

async function ask(log, question, withRag, maxTokens, signal) {
  log.append(el('li', { class: 'question' }, el('div', { class: 'text' }, question)));
  const text = el('div', { class: 'text' });
  const meta = el('p', { class: 'meta' });
  const answer = el('li', { class: 'answer', 'data-state': 'waiting', 'data-updates': 0 }, text, meta);
  log.append(answer);
  answer.scrollIntoView({ block: 'end' });

  const messages = [...history, { role: 'user', content: question }];
  let citations = [];
  if (withRag) {
    try {
      const found = await searchPassages(question, signal);
      citations = found.passages;
      messages.splice(messages.length - 1, 0, { role: 'system', content: found.context });
      answer.append(citationList(citations));
    } catch (error) {
      finish(answer, meta, 'error', `RAG search failed: ${error.message}`);
      return;
    }
  }

  const started = performance.now();
  let firstToken = null;
  let backend = null;
  let usage = null;
  let updates = 0;
  try {
    const response = await fetch('v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, stream: true, stream_options: { include_usage: true }, max_tokens: maxTokens }),
      signal,
    });
    if (response.status === 404 && !(response.headers.get('content-type') ?? '').includes('json')) {
      throw new Error('this host does not map the OpenAI-compatible chat endpoint (MapLocalAI: POST /v1/chat/completions)');
    }
    await ensureOk(response);
    backend = response.headers.get('x-localai-backend');
    answer.dataset.state = 'streaming';
    await readEvents(response, (_, data) => {
      if (data === '[DONE]') {
        return;
      }
      const chunk = JSON.parse(data);
      backend = chunk.localai_backend ?? chunk.backend ?? backend;
      usage = chunk.usage ?? usage;
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) {
        firstToken ??= performance.now() - started;
        text.append(delta);
        answer.dataset.updates = String(++updates);
      }
    });
    history.push({ role: 'user', content: question }, { role: 'assistant', content: text.textContent });
    finish(answer, meta, 'done', describe(backend, firstToken, performance.now() - started, usage), backend);
  } catch (error) {
    if (error.name === 'AbortError') {
      finish(answer, meta, 'stopped', `stopped · ${describe(backend, firstToken, performance.now() - started, usage)}`, backend);
    } else {
      finish(answer, meta, 'error', error.message);
    }
  }
}

function finish(answer, meta, state, description, backend = null) {
  answer.dataset.state = state;
  if (backend) {
    answer.dataset.backend = backend;
  }
  meta.replaceChildren(...description.split(' · ').map(part => el('span', {}, part)));
}

function describe(backend, firstToken, total, usage) {
  const parts = [`backend ${backend ?? 'unknown'}`];
  parts.push(firstToken === null ? 'no token yet' : `first token ${Math.round(firstToken)} ms`);
  parts.push(`total ${Math.round(total)} ms`);
  if (usage) {
    parts.push(`${usage.prompt_tokens ?? '?'} prompt + ${usage.completion_tokens ?? '?'} completion tokens`);
  }
  return parts.join(' · ');
}

function citationList(passages) {
  return el('ol', { class: 'citations', 'aria-label': 'Citations' }, passages.map((p, i) =>
    el('li', {}, el('a', { href: `#rag`, 'data-passage': p.id ?? i + 1, title: p.text }, `[${i + 1}] ${p.source}`))));
}
