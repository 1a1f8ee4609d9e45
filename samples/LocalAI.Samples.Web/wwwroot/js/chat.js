// Chat: streams tokens as they arrive over the OpenAI-compatible endpoint; names the serving backend, time to first
// token and usage per answer; Stop aborts the request, which cancels the generation on the server. With "Answer with RAG"
// the request asks the server to retrieve first (localai_rag: true); the passages it gave the model (localai_citations)
// are listed under the answer, each citation a link that opens its passage.
import { el, ensureOk, readEvents } from './api.js';

const history = [];
let answers = 0;

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
  const number = ++answers;
  const started = performance.now();
  let firstToken = null;
  let backend = null;
  let usage = null;
  let updates = 0;
  try {
    const response = await fetch('v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, stream: true, stream_options: { include_usage: true }, max_tokens: maxTokens, localai_rag: withRag || undefined }),
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
      if (chunk.localai_citations) {
        answer.append(citationList(number, chunk.localai_citations));
      }
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

function citationList(number, citations) {
  const id = n => `answer-${number}-passage-${n}`;
  const passages = el('div', { class: 'passages' }, citations.map(c => el('details', { id: id(c.number), 'data-source': c.source },
    el('summary', {}, `[${c.number}] ${c.source}${c.context ? ` · ${c.context}` : ''} · score ${c.score.toFixed(3)}`),
    el('blockquote', { class: 'passage' }, c.text))));
  // The links open and focus their passage themselves: the address's #hash names the view, so it is left alone.
  const open = (event, n) => {
    event.preventDefault();
    const passage = passages.querySelector(`#${id(n)}`);
    passage.open = true;
    passage.querySelector('summary').focus();
    passage.scrollIntoView({ block: 'nearest' });
  };
  const list = el('ol', { class: 'citations', 'aria-label': 'Citations' }, citations.map(c =>
    el('li', {}, el('a', { href: `#${id(c.number)}`, 'data-citation': c.number, onclick: event => open(event, c.number) }, `[${c.number}] ${c.source}`))));
  return el('div', { class: 'rag' }, list, passages);
}
