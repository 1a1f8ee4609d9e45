// Council: agents answer, review each other, a chairman synthesises — shown live as the session's events stream.
import { el } from './api.js';

export function startCouncil(section) {
  section.querySelector('#council-body').replaceChildren(el('p', { class: 'hint' }, 'The council endpoints of this host are not available yet.'));
  return {};
}
