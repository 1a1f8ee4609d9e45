// Shows one view at a time (from the address's #hash) and starts each view's module the first time it is shown.
import { startBackends } from './backends.js';
import { startModels } from './models.js';
import { startChat } from './chat.js';
import { startRag } from './rag.js';
import { startCouncil } from './council.js';

const starters = { backends: startBackends, models: startModels, chat: startChat, rag: startRag, council: startCouncil };
const started = new Map();

function show(name, focus) {
  if (!(name in starters)) {
    name = 'backends';
  }
  for (const section of document.querySelectorAll('[data-view]')) {
    section.hidden = section.dataset.view !== name;
  }
  for (const link of document.querySelectorAll('[data-view-link]')) {
    if (link.dataset.viewLink === name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (!started.has(name)) {
    started.set(name, starters[name](document.getElementById(`view-${name}`)));
  } else {
    started.get(name)?.shown?.();
  }
  if (focus) {
    document.getElementById(`${name}-title`)?.focus?.();
  }
}

for (const title of document.querySelectorAll('[data-view] > h2')) {
  title.tabIndex = -1;
}

// The backend status stream feeds the header on every view, so it starts at once.
started.set('backends', startBackends(document.getElementById('view-backends')));
window.addEventListener('hashchange', () => show(location.hash.slice(1), true));
show(location.hash.slice(1) || 'backends', false);
document.body.dataset.ready = 'true';
