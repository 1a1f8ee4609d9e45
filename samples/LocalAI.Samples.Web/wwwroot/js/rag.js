// RAG: index pasted text or files with progress; search with mode, top-k and minimum similarity.
import { el } from './api.js';

export function startRag(section) {
  section.querySelector('#rag-body').replaceChildren(el('p', { class: 'hint' }, 'The RAG endpoints of this host are not available yet.'));
  return {};
}

/** Searches the index for a chat question; resolves to the passages and a context block with numbered sources. */
export async function searchPassages() {
  throw new Error('the RAG endpoints of this host are not available yet');
}
