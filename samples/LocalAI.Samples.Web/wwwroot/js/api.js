// The console talks only to the SDK's own endpoints (LocalAI.AspNetCore).

/** Sends a JSON request and returns the parsed JSON answer; a failed request throws with the server's message. */
export async function json(method, url, body, signal) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  await ensureOk(response);
  return response.status === 204 ? null : response.json();
}

/** Throws an Error carrying the server's message when the response is not a success. */
export async function ensureOk(response) {
  if (response.ok) {
    return;
  }
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    message = body?.error?.message ?? body?.message ?? body?.detail ?? message;
  } catch {
    // not JSON: keep the status line
  }
  const error = new Error(message);
  error.status = response.status;
  throw error;
}

/**
 * Reads a server-sent event stream from a fetch response and calls onEvent(type, data) for each event,
 * in order, as it arrives. Resolves when the stream ends; rejects with an AbortError when the signal aborts it.
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let type = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) {
          type = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
      if (data.length > 0) {
        onEvent(type, data.join('\n'));
      }
    }
  }
}

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

/** Formats a byte count for people (1.9 GB). */
export function bytes(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${size.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Shows a value or a dash when it is unknown. */
export function orDash(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** Asks the user to confirm in the page's dialog; resolves true when they confirm. */
export function confirmDialog(text, action = 'Delete') {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}
