// Models: grouped by backend; pull with one forward-only progress bar and a cancel button; delete after a confirmation.
import { bytes, confirmDialog, el, ensureOk, json, orDash, readEvents } from './api.js';

export function startModels(section) {
  const groups = section.querySelector('#model-groups');
  const refresh = () => load(groups);
  section.querySelector('#models-refresh').addEventListener('click', refresh);
  refresh();
  return { shown: refresh };
}

async function load(container) {
  container.setAttribute('aria-busy', 'true');
  try {
    const groups = await json('GET', 'api/models');
    const pulling = new Set([...container.querySelectorAll('.model-group[data-pulling="true"]')].map(g => g.dataset.backend));
    // A group with a pull in progress keeps its form (and its progress bar) as it is.
    container.replaceChildren(...groups.map(g => pulling.has(g.backendId)
      ? container.querySelector(`.model-group[data-backend="${CSS.escape(g.backendId)}"]`)
      : group(g, container)));
  } catch (error) {
    container.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not list the models: ${error.message}`));
  } finally {
    container.removeAttribute('aria-busy');
  }
}

function group(g, container) {
  const titleId = `models-${g.backendId}-title`;
  const section = el('section', { class: 'model-group', 'data-backend': g.backendId, 'aria-labelledby': titleId },
    el('h3', { id: titleId }, g.backendId));
  if (g.error) {
    section.append(el('p', { class: 'error' }, g.error));
  } else if (g.models.length === 0) {
    section.append(el('p', { class: 'hint' }, 'No models.'));
  } else {
    section.append(el('div', { class: 'table-wrap' }, table(g, container)));
  }
  if (g.canDownload) {
    section.append(pullForm(g.backendId, container));
  }
  return section;
}

function table(g, container) {
  const head = ['Model', 'Installed', 'Size', 'Quantisation', 'Context', 'Dimensions', 'Family', ''];
  return el('table', {},
    el('caption', { class: 'sr-only' }, `Models of ${g.backendId}`),
    el('thead', {}, el('tr', {}, head.map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, g.models.map(m => el('tr', { 'data-model': m.id },
      el('th', { scope: 'row' }, m.id),
      el('td', {}, m.isInstalled ? (m.isLoaded ? 'yes, loaded' : 'yes') : 'no'),
      el('td', {}, bytes(m.sizeBytes)),
      el('td', {}, orDash(m.quantization)),
      el('td', {}, orDash(m.contextLength)),
      el('td', {}, orDash(m.embeddingDimensions)),
      el('td', {}, orDash(m.family)),
      el('td', {}, g.canDelete && m.isInstalled
        ? el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${m.id}`, onclick: () => remove(g.backendId, m.id, container) }, 'Delete')
        : null)))));
}

async function remove(backend, model, container) {
  if (!await confirmDialog(`Delete ${model} from ${backend}? It has to be pulled again to be used.`)) {
    return;
  }
  try {
    await json('DELETE', `api/backends/${encodeURIComponent(backend)}/models/${encodeURIComponent(model)}`);
  } catch (error) {
    alertIn(container, `Could not delete ${model}: ${error.message}`);
    return;
  }
  await load(container);
}

function alertIn(container, text) {
  container.prepend(el('p', { class: 'error', role: 'alert' }, text));
}

function pullForm(backend, container) {
  const inputId = `pull-${backend}-model`;
  const progress = el('progress', { max: 100, value: 0, 'aria-label': `Pull progress on ${backend}`, hidden: true });
  const percent = el('output', { class: 'pull-percent', for: inputId });
  const status = el('p', { class: 'pull-status hint', role: 'status' });
  const submit = el('button', { type: 'submit' }, 'Pull');
  const cancel = el('button', { type: 'button', class: 'secondary', disabled: true }, 'Cancel');
  const input = el('input', { type: 'text', id: inputId, name: 'model', required: true, placeholder: 'for example llama3.2:1b', autocomplete: 'off' });
  const form = el('form', { class: 'pull', 'aria-label': `Pull a model on ${backend}` },
    el('div', { class: 'row' },
      el('label', { for: inputId }, 'Model to pull'), input, submit, cancel),
    el('div', { class: 'row' }, progress, percent),
    status);
  let controller = null;
  cancel.addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const model = input.value.trim();
    const groupSection = form.closest('.model-group');
    controller = new AbortController();
    groupSection.dataset.pulling = 'true';
    submit.disabled = true;
    cancel.disabled = false;
    progress.hidden = false;
    progress.value = 0;
    percent.textContent = '0%';
    status.textContent = `Pulling ${model}…`;
    form.dataset.state = 'pulling';
    let outcome = 'ended';
    try {
      const response = await fetch('api/models/pull', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ backend, model }),
        signal: controller.signal,
      });
      await ensureOk(response);
      await readEvents(response, (type, data) => {
        const report = JSON.parse(data);
        if (type === 'progress' || type === 'done') {
          // The server keeps the percentage forward-only; the bar never moves back either.
          const value = Math.max(progress.value, Math.round(report.percent * 10) / 10);
          progress.value = value;
          percent.textContent = `${value}%`;
          // Ollama names each layer only when it starts on it: the layer count and bytes say what the bar cannot.
          const parts = report.partsTotal ? ` · layer ${Math.min(report.partsCompleted + 1, report.partsTotal)} of ${report.partsTotal}` : '';
          const size = report.bytesTotal ? ` · ${bytes(report.bytesCompleted)} of ${bytes(report.bytesTotal)}` : '';
          status.textContent = `${report.status}${parts}${size}`;
        }
        if (type === 'done') {
          outcome = 'done';
          status.textContent = `${model} is installed.`;
        } else if (type === 'error') {
          outcome = 'error';
          status.textContent = `Pull failed: ${report.message}`;
        }
      });
    } catch (error) {
      if (error.name === 'AbortError') {
        outcome = 'cancelled';
        status.textContent = `Pull of ${model} cancelled.`;
      } else {
        outcome = 'error';
        status.textContent = `Pull failed: ${error.message}`;
      }
    } finally {
      controller = null;
      form.dataset.state = outcome;
      submit.disabled = false;
      cancel.disabled = true;
      delete groupSection.dataset.pulling;
    }
    if (outcome === 'done') {
      await load(container);
    }
  });
  return form;
}
