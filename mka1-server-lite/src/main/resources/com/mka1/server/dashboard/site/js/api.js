// The public /v1 API with the key the user typed. The key lives in session storage and travels
// only in the Authorization header: never in a URL, never logged.

const KEY = 'mka1.apiKey';
const USER = 'mka1.onBehalfOf';
const BASE = '/v1';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get onBehalfOf() { return sessionStorage.getItem(USER) || ''; },
  signIn(key, onBehalfOf) {
    sessionStorage.setItem(KEY, key);
    if (onBehalfOf) sessionStorage.setItem(USER, onBehalfOf); else sessionStorage.removeItem(USER);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(USER);
  },
};

/** The server's error envelope: status, message, and the request field it is about (param). */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `The server answered ${status}`);
    this.status = status;
    this.param = e.param ?? null;
    this.code = e.code ?? null;
  }
}

function headers(extra = {}) {
  const h = {Authorization: `Bearer ${session.key}`, ...extra};
  if (session.onBehalfOf) h['X-On-Behalf-Of'] = session.onBehalfOf;
  return h;
}

export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.append(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function parse(res) {
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export async function call(method, path, body) {
  const init = {method, cache: 'no-store', headers: headers(body === undefined ? {} : {'Content-Type': 'application/json'})};
  if (body !== undefined) init.body = JSON.stringify(body);
  return parse(await fetch(BASE + path, init));
}

export const get = (path, params) => call('GET', path + query(params));
export const post = (path, body) => call('POST', path, body);
export const del = (path) => call('DELETE', path);

/** Multipart upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload(file, purpose, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('purpose', purpose);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/files`);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
    xhr.addEventListener('load', () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json); else reject(new ApiError(xhr.status, json));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, {error: {message: 'The upload failed: no answer from the server'}})));
    xhr.send(form);
  });
}

/** POSTs a streaming request and yields each server-sent event as {event, data}. */
export async function* stream(path, body, signal) {
  const res = await fetch(BASE + path, {
    method: 'POST', cache: 'no-store', signal,
    headers: headers({'Content-Type': 'application/json', Accept: 'text/event-stream'}),
    body: JSON.stringify({...body, stream: true}),
  });
  if (!res.ok) await parse(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length && data.join('\n') !== '[DONE]') yield {event, data: JSON.parse(data.join('\n'))};
    }
  }
}
