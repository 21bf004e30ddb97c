// The dashboard's shell: sign-in, the section links and a hash router (#/jobs, #/jobs/ID, #/files,
// #/new, #/playground). Each view renders into <main> and returns a function that stops its timers.
import {session, get, ApiError} from './api.js';
import {h, fill, message} from './dom.js';
import {jobsView} from './views/jobs.js';
import {jobView} from './views/job.js';
import {filesView} from './views/files.js';
import {createView} from './views/create.js';
import {playgroundView} from './views/playground.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOut = document.getElementById('sign-out');
let stopView = () => {};

const routes = [
  [/^#\/jobs\/([^/]+)$/, (m) => jobView(main, decodeURIComponent(m[1])), 'jobs'],
  [/^#\/jobs$/, () => jobsView(main), 'jobs'],
  [/^#\/files$/, () => filesView(main), 'files'],
  [/^#\/new$/, () => createView(main), 'new'],
  [/^#\/playground(?:\/(.+))?$/, (m) => playgroundView(main, m[1] ? decodeURIComponent(m[1]) : null), 'playground'],
];

function render() {
  stopView();
  stopView = () => {};
  if (!session.key) {
    nav.hidden = true;
    signOut.hidden = true;
    fill(who);
    loginView();
    return;
  }
  nav.hidden = false;
  signOut.hidden = false;
  const hash = location.hash || '#/jobs';
  for (const [pattern, view, section] of routes) {
    const m = hash.match(pattern);
    if (!m) continue;
    for (const a of nav.querySelectorAll('a')) {
      if (a.dataset.section === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    stopView = view(m) || (() => {});
    main.focus({preventScroll: true});
    return;
  }
  location.hash = '#/jobs';
}

function loginView() {
  const error = h('div');
  const key = h('input', {id: 'api-key', name: 'api-key', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false'});
  const user = h('input', {id: 'on-behalf-of', name: 'on-behalf-of', type: 'text', autocomplete: 'off'});
  const form = h('form', {class: 'card narrow', id: 'login'},
    h('h1', {}, 'Sign in'),
    h('p', {class: 'hint'}, 'Your API key stays in this tab (session storage) and is sent only in the Authorization header.'),
    h('label', {for: 'api-key'}, 'API key'), key,
    h('label', {for: 'on-behalf-of'}, 'On behalf of (optional X-On-Behalf-Of end user)'), user,
    error,
    h('button', {type: 'submit', class: 'primary'}, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    session.signIn(key.value.trim(), user.value.trim());
    try {
      await showWho();
      render();
    } catch (err) {
      session.signOut();
      message(error, err instanceof ApiError && err.status === 401 ? 'That key was refused (401).' : err.message);
    }
  });
  fill(main, form);
  key.focus();
}

async function showWho() {
  const me = await get('/whoami');
  fill(who, `${me.role} key ${me.key}`, me.on_behalf_of ? ` for ${me.on_behalf_of}` : '');
}

signOut.addEventListener('click', () => {
  session.signOut();
  location.hash = '#/jobs';
  render();
});
window.addEventListener('hashchange', render);
if (session.key) showWho().catch(() => {});
render();
