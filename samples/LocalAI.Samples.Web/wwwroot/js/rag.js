// RAG: index uploaded files or pasted text with a progress bar (server-sent progress of POST /api/rag/documents), and
// search the index (POST /api/rag/search) by vector, BM25 or hybrid ranking with top-k and a minimum similarity.
import { el, ensureOk, json, readEvents } from './api.js';

export function startRag(section) {
  const body = section.querySelector('#rag-body');
  body.replaceChildren(indexForm(), searchForm());
  return {};
}

function indexForm() {
  const files = el('input', { type: 'file', id: 'rag-files', name: 'files', multiple: true, accept: '.txt,.md,.markdown,.csv,.json,.html,text/*' });
  const docId = el('input', { type: 'text', id: 'rag-doc-id', name: 'id', autocomplete: 'off', placeholder: 'for example notes.md' });
  const text = el('textarea', { id: 'rag-doc-text', name: 'text', rows: 4 });
  const submit = el('button', { type: 'submit', id: 'rag-index' }, 'Index');
  const progress = el('progress', { id: 'rag-progress', max: 100, value: 0, 'aria-label': 'Indexing progress', hidden: true });
  const percent = el('output', { id: 'rag-percent', for: 'rag-progress' });
  const status = el('p', { id: 'rag-index-status', class: 'hint', role: 'status' });
  const form = el('form', { id: 'rag-index-form', class: 'panel-form', 'aria-labelledby': 'rag-index-title' },
    el('h3', { id: 'rag-index-title' }, 'Add documents'),
    el('p', { class: 'hint' }, 'Upload UTF-8 text or Markdown files, or paste a text with an id. Indexing a document id again replaces it.'),
    el('div', { class: 'field' }, el('label', { for: 'rag-files' }, 'Files'), files),
    el('div', { class: 'field' }, el('label', { for: 'rag-doc-id' }, 'Document id'), docId),
    el('div', { class: 'field' }, el('label', { for: 'rag-doc-text' }, 'Text'), text),
    el('div', { class: 'row' }, submit, progress, percent),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    let request;
    if (files.files.length > 0) {
      const data = new FormData();
      for (const file of files.files) {
        data.append('file', file, file.name);
      }
      request = { body: data, count: files.files.length };
    } else if (text.value.trim()) {
      const id = docId.value.trim() || 'pasted.txt';
      request = {
        body: JSON.stringify({ documents: [{ id, text: text.value }] }),
        headers: { 'content-type': 'application/json' },
        count: 1,
      };
    } else {
      form.dataset.state = 'error';
      status.textContent = 'Choose one or more files, or paste a text, to index.';
      status.classList.add('error');
      files.focus();
      return;
    }

    status.classList.remove('error');
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    percent.textContent = '0%';
    status.textContent = `Indexing ${request.count} document${request.count === 1 ? '' : 's'}…`;
    form.dataset.state = 'indexing';
    let outcome = 'ended';
    try {
      const response = await fetch('api/rag/documents?stream=true', { method: 'POST', headers: request.headers, body: request.body });
      await ensureOk(response);
      await readEvents(response, (type, data) => {
        const report = JSON.parse(data);
        if (type === 'progress' || type === 'done') {
          const done = type === 'done' ? 100 : Math.round(100 * report.documents / Math.max(1, report.documentsTotal));
          const value = Math.max(progress.value, done);
          progress.value = value;
          percent.textContent = `${value}%`;
        }
        if (type === 'done') {
          outcome = 'done';
          status.textContent = `Indexed ${report.documents} document${report.documents === 1 ? '' : 's'}: ${report.chunks} chunks, ` +
            `${report.chunksEmbedded} embedded, ${report.chunksReused ?? 0} unchanged, ${report.tokens} tokens in ${Math.round(report.elapsedMs)} ms.`;
        } else if (type === 'error') {
          outcome = 'error';
          status.textContent = `Indexing failed: ${report.error?.message ?? report.message}`;
        }
      });
      if (outcome === 'done') {
        files.value = '';
        text.value = '';
        docId.value = '';
      }
    } catch (error) {
      outcome = 'error';
      status.textContent = `Indexing failed: ${error.message}`;
    } finally {
      status.classList.toggle('error', outcome === 'error');
      form.dataset.state = outcome;
      submit.disabled = false;
    }
  });
  return form;
}

function searchForm() {
  const query = el('input', { type: 'search', id: 'rag-query', name: 'query', autocomplete: 'off' });
  const mode = el('select', { id: 'rag-mode', name: 'mode' },
    el('option', { value: 'vector' }, 'Vector (cosine)'),
    el('option', { value: 'bm25' }, 'BM25 (keywords)'),
    el('option', { value: 'hybrid' }, 'Hybrid'));
  const top = el('input', { type: 'number', id: 'rag-top', name: 'top', min: 1, max: 100, value: 5 });
  const min = el('input', { type: 'number', id: 'rag-min', name: 'minSimilarity', min: -1, max: 1, step: 'any', placeholder: 'none', 'aria-describedby': 'rag-min-note' });
  const submit = el('button', { type: 'submit', id: 'rag-search' }, 'Search');
  const status = el('p', { id: 'rag-search-status', class: 'hint', role: 'status' });
  const results = el('ol', { id: 'rag-results', class: 'rag-results', 'aria-label': 'Search results' });
  const form = el('form', { id: 'rag-search-form', class: 'panel-form', 'aria-labelledby': 'rag-search-title' },
    el('h3', { id: 'rag-search-title' }, 'Search'),
    el('div', { class: 'field' }, el('label', { for: 'rag-query' }, 'Query'), query),
    el('div', { class: 'row' },
      el('span', { class: 'inline' }, el('label', { for: 'rag-mode' }, 'Mode'), mode),
      el('span', { class: 'inline' }, el('label', { for: 'rag-top' }, 'Top k'), top),
      el('span', { class: 'inline' }, el('label', { for: 'rag-min' }, 'Minimum similarity'), min),
      submit),
    el('p', { id: 'rag-min-note', class: 'hint' }, 'Minimum similarity (−1 to 1) applies to vector hits; leave it empty for none.'),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const request = { query: query.value, mode: mode.value, top: Number(top.value) || undefined };
    if (min.value !== '') {
      request.minSimilarity = Number(min.value);
    }
    submit.disabled = true;
    form.dataset.state = 'searching';
    status.classList.remove('error');
    status.textContent = 'Searching…';
    try {
      const found = await json('POST', 'api/rag/search', request);
      results.replaceChildren(...found.results.map(result));
      status.textContent = found.results.length === 0
        ? 'No passage matched.'
        : `${found.results.length} result${found.results.length === 1 ? '' : 's'} (${found.mode}), best first.`;
      form.dataset.state = 'done';
    } catch (error) {
      results.replaceChildren();
      status.textContent = `Search failed: ${error.message}`;
      status.classList.add('error');
      form.dataset.state = 'error';
      query.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return el('div', {}, form, results);
}

function result(hit) {
  const metadata = Object.entries(hit.metadata ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ');
  return el('li', { class: 'rag-result', 'data-source': hit.source },
    el('p', { class: 'rag-result-head' },
      el('strong', { class: 'source' }, hit.source),
      el('span', { class: 'score' }, `score ${hit.score.toFixed(3)}`),
      el('span', { class: 'hint' }, `chunk ${hit.chunk}`),
      hit.context ? el('span', { class: 'hint' }, hit.context) : null,
      metadata ? el('span', { class: 'hint' }, metadata) : null),
    el('blockquote', { class: 'passage' }, hit.text));
}
