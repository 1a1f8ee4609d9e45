// RAG: indexing and search need the host's RAG endpoints (POST /api/rag/documents, POST /api/rag/search of
// LocalAI.AspNetCore), which this version of the host does not map yet; the view says so instead of failing.
import { el } from './api.js';

export function startRag(section) {
  section.querySelector('#rag-body').replaceChildren(el('p', { class: 'hint', role: 'status' },
    'Indexing and search need the host\'s RAG endpoints (POST /api/rag/documents, POST /api/rag/search), which it does not map yet.'));
  return {};
}

/** Searches the index for a chat question; not available until the host maps its RAG endpoints. */
export async function searchPassages() {
  throw new Error('the host does not map its RAG endpoints yet');
}
