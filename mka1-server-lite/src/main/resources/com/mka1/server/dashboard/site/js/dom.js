// Builds elements without ever parsing strings as HTML: server data is always text.

/** h('a', {href: '#/x', class: 'btn'}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  return new Date(seconds * 1000).toLocaleString();
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function num(x, digits = 4) {
  return typeof x === 'number' ? x.toFixed(digits) : '—';
}

export function statusBadge(status) {
  return h('span', {class: `badge status-${status}`}, status);
}

/** A visible, announced message: role=alert for errors, role=status otherwise. */
export function message(el, text, kind = 'error') {
  fill(el, text ? h('p', {class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text) : null);
}
