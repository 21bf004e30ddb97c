// One job: its parameters, the live loss chart, events, checkpoints, and pause / resume / cancel.
// While the job is not finished the page polls: the job, events newer than the newest one it
// has (pages are newest first, so it reads until it meets a known id) and the checkpoints.
import {get, post, ApiError} from '../api.js';
import {h, fill, time, num, statusBadge, message} from '../dom.js';
import {LossChart} from './chart.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const POLL_MS = 1000;

export function jobView(main, id) {
  const path = `/fine_tuning/jobs/${encodeURIComponent(id)}`;
  const title = h('h1', {}, 'Job ', h('code', {}, id));
  const status = h('span', {id: 'job-status'});
  const buttons = {};
  for (const [verb, label] of [['pause', 'Pause'], ['resume', 'Resume'], ['cancel', 'Cancel']]) {
    buttons[verb] = h('button', {type: 'button', id: `job-${verb}`, disabled: true, onclick: () => act(verb)}, label);
  }
  const actions = h('div', {class: 'actions'}, Object.values(buttons));
  const error = h('div', {id: 'job-error'});
  const params = h('dl', {class: 'params', id: 'job-params'});
  const progress = h('p', {id: 'job-progress', class: 'hint'});
  const chartBox = h('div', {class: 'chart', id: 'loss-chart', 'data-points': '0', role: 'img',
    'aria-label': 'Training loss, validation loss and token accuracy by step'});
  const latest = h('p', {class: 'hint', 'aria-live': 'polite', id: 'chart-latest'});
  const checkpoints = h('tbody');
  const events = h('tbody');
  fill(main, title, h('div', {class: 'status-line'}, status, actions), error,
    h('div', {class: 'grid'},
      h('section', {class: 'card', 'aria-labelledby': 'h-params'}, h('h2', {id: 'h-params'}, 'Parameters'), params),
      h('section', {class: 'card wide', 'aria-labelledby': 'h-chart'}, h('h2', {id: 'h-chart'}, 'Loss'), progress, chartBox, latest)),
    h('section', {class: 'card', 'aria-labelledby': 'h-ckpt'}, h('h2', {id: 'h-ckpt'}, 'Checkpoints'),
      h('div', {class: 'scroll'}, h('table', {class: 'list', id: 'checkpoints'},
        h('thead', {}, h('tr', {}, ['Step', 'Model', 'Train loss', 'Valid loss', 'Valid accuracy'].map((c) => h('th', {scope: 'col'}, c)))),
        checkpoints))),
    h('section', {class: 'card', 'aria-labelledby': 'h-events'}, h('h2', {id: 'h-events'}, 'Events'),
      h('div', {class: 'scroll events'}, h('table', {class: 'list', id: 'events'},
        h('thead', {}, h('tr', {}, ['Time', 'Level', 'Message'].map((c) => h('th', {scope: 'col'}, c)))),
        events))));

  const chart = new LossChart(chartBox);
  const seen = new Set();
  const eventList = []; // newest first
  let job = null;
  let timer = null;
  let stopped = false;
  let sawTerminal = false;

  async function act(verb) {
    try {
      job = await post(`${path}/${verb}`);
      message(error, null);
      showJob();
      poll();
    } catch (err) {
      message(error, err.status === 403 ? `Not allowed (403): ${err.message}` : `Could not ${verb}: ${err.message}`);
    }
  }

  function showJob() {
    fill(status, statusBadge(job.status));
    status.dataset.status = job.status;
    // The buttons stay the same elements (keyboard focus stays put); only whether they apply changes.
    buttons.pause.disabled = !['running', 'queued'].includes(job.status);
    buttons.resume.disabled = job.status !== 'paused';
    buttons.cancel.disabled = TERMINAL.includes(job.status);
    const hp = (job.method && job.method[job.method.type] && job.method[job.method.type].hyperparameters) || job.hyperparameters || {};
    const rows = [
      ['Model', job.model],
      ['Fine-tuned model', job.fine_tuned_model ? h('a', {href: `#/playground/${encodeURIComponent(job.fine_tuned_model)}`}, job.fine_tuned_model) : '—'],
      ['Training file', job.training_file],
      ['Validation file', job.validation_file ?? '—'],
      ['Suffix', job.user_provided_suffix ?? '—'],
      ['Method', job.method ? job.method.type : 'supervised'],
      ...Object.entries(hp).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)]),
      ['Seed', job.seed],
      ['Created', time(job.created_at)],
      ['Estimated finish', TERMINAL.includes(job.status) ? '—' : time(job.estimated_finish)],
      ['Finished', time(job.finished_at)],
      ['Trained tokens', job.trained_tokens ?? '—'],
      ['Metadata', job.metadata && Object.keys(job.metadata).length
        ? Object.entries(job.metadata).map(([k, v]) => `${k}=${v}`).join(', ') : '—'],
    ];
    if (job.error) rows.push(['Error', `${job.error.message}${job.error.param ? ` (${job.error.param})` : ''}`]);
    fill(params, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  /** Events newer than the newest one already shown (all of them on the first call). */
  async function newEvents() {
    const fresh = [];
    let after = null;
    for (;;) {
      const page = await get(`${path}/events`, {limit: 100, after});
      for (const e of page.data) {
        if (seen.has(e.id)) return fresh;
        fresh.push(e);
      }
      if (!page.has_more || page.data.length === 0) return fresh;
      after = page.data[page.data.length - 1].id;
    }
  }

  function showEvents(fresh) {
    for (const e of fresh) seen.add(e.id);
    eventList.unshift(...fresh);
    let changed = false;
    let newest = null;
    for (const e of fresh) {
      if (e.type === 'metrics' && e.data && typeof e.data.step === 'number') {
        changed = chart.add(e.data.step, e.data) || changed;
        if (!newest) newest = e.data;
      }
    }
    if (newest) {
      progress.textContent = `step ${newest.step} of ${newest.total_steps}`;
      latest.textContent = `Step ${newest.step}: training loss ${num(newest.train_loss)}`
        + (typeof newest.train_mean_token_accuracy === 'number' ? `, token accuracy ${num(newest.train_mean_token_accuracy, 3)}` : '');
    }
    if (fresh.length) {
      fill(events, eventList.slice(0, 200).map((e) => h('tr', {class: `level-${e.level}`},
        h('td', {}, time(e.created_at)), h('td', {}, e.level), h('td', {}, e.message))));
    }
    return changed;
  }

  function showCheckpoints(list) {
    let changed = false;
    for (const c of list) changed = chart.add(c.step_number, c.metrics || {}) || changed;
    fill(checkpoints, list.length ? list.map((c) => h('tr', {},
      h('td', {}, c.step_number),
      h('td', {}, h('a', {href: `#/playground/${encodeURIComponent(c.fine_tuned_model_checkpoint)}`}, c.fine_tuned_model_checkpoint)),
      h('td', {}, num(c.metrics && c.metrics.train_loss)),
      h('td', {}, num(c.metrics && (c.metrics.valid_loss ?? c.metrics.full_valid_loss))),
      h('td', {}, num(c.metrics && (c.metrics.valid_mean_token_accuracy ?? c.metrics.full_valid_mean_token_accuracy), 3))))
      : h('tr', {}, h('td', {colspan: 5, class: 'hint'}, 'No checkpoints yet.')));
    return changed;
  }

  async function poll() {
    clearTimeout(timer);
    try {
      job = await get(path);
      const [fresh, ckpts] = await Promise.all([newEvents(), get(`${path}/checkpoints`, {limit: 100})]);
      if (stopped) return;
      showJob();
      const changed = showEvents(fresh.filter((e) => !seen.has(e.id))) | showCheckpoints(ckpts.data);
      if (changed || chart.points.size === 0) chart.draw();
      if (error.dataset.poll) { message(error, null); delete error.dataset.poll; }
    } catch (err) {
      if (stopped) return;
      message(error, err instanceof ApiError && err.status === 403 ? `Not allowed (403): ${err.message}` : err.message);
      error.dataset.poll = '1';
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return;
    }
    // One more round after the job ends: its last events and checkpoints may land just after.
    const done = job !== null && TERMINAL.includes(job.status);
    if (!stopped && !(done && sawTerminal)) timer = setTimeout(poll, POLL_MS);
    sawTerminal = done;
  }

  poll();
  return () => { stopped = true; clearTimeout(timer); chart.dispose(); };
}
