// Council: pick agents (backend + model) and a chairman, ask; opinions appear as they complete, the review scores fill a
// table (reviewer × answer), then the ranking, then the chairman's answer streams; tokens and latency per stage and per
// model as a bar chart. Everything arrives as the session's server-sent events.
import { el, ensureOk, readEvents } from './api.js';
import { onBackends } from './backends.js';

let chatBackends = [];

export function startCouncil(section) {
  const body = section.querySelector('#council-body');
  const agents = el('div', { class: 'agents' });
  const chairman = memberRow('chairman', 'Chairman');
  const question = el('textarea', { id: 'council-question', rows: 2, required: true });
  const maxTokens = el('input', { type: 'number', id: 'council-max-tokens', min: 1, max: 4096, value: 48 });
  const ask = el('button', { type: 'submit', id: 'council-ask' }, 'Ask the council');
  const stop = el('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const add = el('button', { type: 'button', class: 'secondary' }, 'Add agent');
  const form = el('form', { class: 'council-form', 'aria-label': 'Ask the council' },
    el('label', { for: 'council-question' }, 'Question'), question,
    el('fieldset', {}, el('legend', {}, 'Agents'), agents, el('div', { class: 'row' }, add)),
    el('fieldset', {}, el('legend', {}, 'Chairman'), chairman.row),
    el('div', { class: 'row' }, el('label', { for: 'council-max-tokens' }, 'Max tokens per answer'), maxTokens, ask, stop));
  const output = el('div', { class: 'council-output', id: 'council-output' });
  body.replaceChildren(form, output);

  const members = [];
  const addAgent = () => {
    const member = memberRow(`agent-${members.length + 1}`, `Agent ${members.length + 1}`, () => {
      members.splice(members.indexOf(member), 1);
      member.row.remove();
    });
    members.push(member);
    agents.append(member.row);
    member.fill(chatBackends);
  };
  add.addEventListener('click', addAgent);
  onBackends(view => {
    chatBackends = view.backends.filter(b => b.capabilities.includes('chat')).map(b => ({ id: b.id, available: b.isAvailable }));
    for (const member of [...members, chairman]) {
      member.fill(chatBackends);
    }
  });
  for (let i = 0; i < 3; i++) {
    addAgent();
  }

  let controller = null;
  stop.addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async event => {
    event.preventDefault();
    controller = new AbortController();
    ask.disabled = true;
    stop.disabled = false;
    try {
      await run(output, {
        question: question.value.trim(),
        agents: members.map(m => m.value()),
        chairman: chairman.value(),
        maxOutputTokens: Number(maxTokens.value) || null,
      }, controller.signal);
    } finally {
      controller = null;
      ask.disabled = false;
      stop.disabled = true;
    }
  });
  return {};
}

function memberRow(key, title, remove) {
  const select = el('select', { id: `council-${key}-backend`, name: 'backend' });
  const model = el('input', { type: 'text', id: `council-${key}-model`, name: 'model', placeholder: 'backend default', autocomplete: 'off' });
  const row = el('div', { class: 'row member', 'data-member': key },
    el('span', { class: 'member-title' }, title),
    el('label', { for: select.id }, `${title} backend`), select,
    el('label', { for: model.id }, `${title} model`), model,
    remove ? el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${title}`, onclick: remove }, 'Remove') : null);
  return {
    row,
    fill(backends) {
      const current = select.value;
      select.replaceChildren(...backends.map(b => el('option', { value: b.id }, b.available ? b.id : `${b.id} (unavailable)`)));
      if (current && backends.some(b => b.id === current)) {
        select.value = current;
      }
    },
    value: () => ({ backend: select.value, model: model.value.trim() || null }),
  };
}

async function run(output, request, signal) {
  const opinions = el('ol', { class: 'opinions', 'aria-label': 'Opinions' });
  const scores = el('table', { class: 'scores', id: 'council-scores' });
  const ranking = el('ol', { class: 'ranking', id: 'council-ranking', 'aria-label': 'Ranking' });
  const answer = el('div', { class: 'text', id: 'council-answer' });
  const writer = el('p', { class: 'hint' });
  const chart = el('div', { class: 'chart', id: 'council-chart' });
  const status = el('p', { class: 'hint', role: 'status', id: 'council-status' }, 'Asking the agents…');
  output.replaceChildren(status,
    el('h3', {}, 'Stage 1 — opinions'), opinions,
    el('h3', {}, 'Stage 2 — review scores'), el('div', { class: 'table-wrap' }, scores), ranking,
    el('h3', {}, 'Stage 3 — the chairman\'s answer'), writer, answer,
    el('h3', {}, 'Tokens and latency per stage and model'), chart);
  output.dataset.state = 'running';
  const answers = [];
  const reviews = [];

  try {
    const response = await fetch('api/council/stream', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
    await ensureOk(response);
    await readEvents(response, (type, data) => {
      const e = JSON.parse(data);
      switch (type) {
        case 'opinion_started':
          answers.push(e.agent_id);
          opinions.append(el('li', { 'data-agent': e.agent_id, 'data-state': 'thinking' },
            el('strong', {}, `${e.agent_id} · ${e.model}`), el('div', { class: 'text' }, 'thinking…')));
          break;
        case 'opinion_completed':
        case 'opinion_failed': {
          const item = opinions.querySelector(`[data-agent="${CSS.escape(e.opinion.agent_id)}"]`);
          item.dataset.state = type === 'opinion_completed' ? 'done' : 'failed';
          item.querySelector('.text').textContent = e.opinion.text ?? `failed: ${e.opinion.error}`;
          item.append(el('p', { class: 'meta' }, `${Math.round(e.opinion.latency_ms)} ms · ${e.opinion.tokens?.completion_tokens ?? '?'} tokens`));
          status.textContent = 'Agents are answering and reviewing…';
          break;
        }
        case 'review_completed':
          reviews.push(e.review);
          renderScores(scores, answers, reviews);
          break;
        case 'ranking_computed':
          ranking.replaceChildren(...e.ranking.entries.map(r => el('li', { 'data-agent': r.agent_id },
            `#${r.rank} ${r.agent_id} (${r.model}) — mean ${r.mean_score === null ? '—' : r.mean_score.toFixed(2)}, Borda ${r.borda_score.toFixed(2)}${r.is_tied ? ', tied' : ''}`)));
          break;
        case 'synthesis_started':
          writer.textContent = `${e.writer_id} · ${e.model}${e.is_fallback ? ' (fallback)' : ''}`;
          answer.textContent = '';
          answer.dataset.state = 'streaming';
          status.textContent = 'The chairman is writing…';
          break;
        case 'synthesis_token':
          answer.append(e.text);
          break;
        case 'session_completed':
          answer.dataset.state = 'done';
          answer.textContent = e.session.synthesis?.text ?? answer.textContent;
          renderChart(chart, e.session);
          status.textContent = `Done in ${Math.round(e.session.latency.total_duration_ms)} ms, ${e.session.token_usage.total_tokens} tokens.`;
          output.dataset.state = 'done';
          break;
        case 'error':
          status.textContent = `The council failed: ${e.message}`;
          output.dataset.state = 'error';
          break;
        default:
          break;
      }
    });
  } catch (error) {
    output.dataset.state = error.name === 'AbortError' ? 'stopped' : 'error';
    status.textContent = error.name === 'AbortError' ? 'Stopped.' : `The council failed: ${error.message}`;
  }
}

function renderScores(table, answers, reviews) {
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Reviewer \\ answer'), answers.map(a => el('th', { scope: 'col' }, a)));
  const rows = reviews.map(review => {
    const byAgent = new Map(review.scores.map(s => [s.agent_id, s]));
    return el('tr', { 'data-reviewer': review.reviewer_id },
      el('th', { scope: 'row' }, review.exclusion_reason ? `${review.reviewer_id} (excluded)` : review.reviewer_id),
      answers.map(a => {
        const score = byAgent.get(a);
        return el('td', { 'data-answer': a, title: score?.reasoning ?? (a === review.reviewer_id ? 'own answer' : review.exclusion_reason ?? '') },
          score ? String(score.score) : (a === review.reviewer_id ? 'own' : '—'));
      }));
  });
  table.replaceChildren(el('caption', { class: 'sr-only' }, 'Review scores: one row per reviewer, one column per answer'),
    el('thead', {}, head), el('tbody', {}, rows));
}

function renderChart(chart, session) {
  const stages = [['stage1_opinions', 'opinions'], ['stage2_review', 'review'], ['stage3_synthesis', 'synthesis']];
  const rows = [];
  for (const [key, name] of stages) {
    const tokens = session.token_usage[key]?.by_model ?? {};
    const latency = session.latency[key]?.by_model ?? {};
    for (const model of new Set([...Object.keys(tokens), ...Object.keys(latency)])) {
      rows.push({ label: `${name} · ${model}`, tokens: tokens[model]?.total_tokens ?? 0, ms: latency[model]?.total_ms ?? 0 });
    }
  }
  const maxTokens = Math.max(1, ...rows.map(r => r.tokens));
  const maxMs = Math.max(1, ...rows.map(r => r.ms));
  const bar = (value, max, text, kind) => el('div', { class: `bar ${kind}`, role: 'img', 'aria-label': text },
    el('span', { class: 'fill', style: `width: ${Math.max(1, (100 * value) / max).toFixed(1)}%` }), el('span', { class: 'value' }, text));
  chart.replaceChildren(el('div', { class: 'chart-row chart-head', 'aria-hidden': 'true' }, el('span', {}, 'stage · model'), el('span', {}, 'tokens'), el('span', {}, 'latency (total)')),
    ...rows.map(r => el('div', { class: 'chart-row', 'data-series': r.label },
    el('span', { class: 'chart-label' }, r.label),
    bar(r.tokens, maxTokens, `${r.tokens} tokens`, 'tokens'),
    bar(r.ms, maxMs, `${Math.round(r.ms)} ms`, 'latency'))));
}
