// Jobs, newest first: filters by status (applied while paging through the server's pages) and by
// metadata (the server's metadata[key]=value filter), cursor paging, refreshed every few seconds.
import {get, ApiError} from '../api.js';
import {h, fill, time, statusBadge, message} from '../dom.js';

const PAGE = 10;
const STATUSES = ['validating_files', 'queued', 'running', 'pausing', 'paused', 'succeeded', 'failed', 'cancelled'];

export function jobsView(main) {
  const status = h('select', {id: 'filter-status', name: 'status'}, h('option', {value: ''}, 'any'),
    STATUSES.map((s) => h('option', {value: s}, s)));
  const metaKey = h('input', {id: 'filter-meta-key', name: 'meta-key', placeholder: 'key'});
  const metaValue = h('input', {id: 'filter-meta-value', name: 'meta-value', placeholder: 'value'});
  const filters = h('form', {class: 'filters', id: 'job-filters'},
    h('label', {for: 'filter-status'}, 'Status'), status,
    h('label', {for: 'filter-meta-key'}, 'Metadata'), metaKey, h('span', {'aria-hidden': 'true'}, '='), metaValue,
    h('button', {type: 'submit'}, 'Apply'));
  const error = h('div');
  const body = h('tbody');
  const table = h('table', {class: 'list', id: 'jobs'},
    h('caption', {class: 'visually-hidden'}, 'Fine-tuning jobs, newest first'),
    h('thead', {}, h('tr', {}, ['Job', 'Status', 'Model', 'Suffix', 'Created', 'Progress'].map((c) => h('th', {scope: 'col'}, c)))),
    body);
  const prev = h('button', {type: 'button', disabled: true}, '← Newer');
  const next = h('button', {type: 'button', disabled: true}, 'Older →');
  const pageInfo = h('span', {class: 'hint'});
  fill(main, h('h1', {}, 'Fine-tuning jobs'), filters, error, h('div', {class: 'scroll'}, table),
    h('div', {class: 'pager'}, prev, pageInfo, next));

  const cursors = [null]; // cursors[i]: the "after" of page i
  let page = 0;
  let nextCursor = null;
  let timer = null;
  let stopped = false;
  let generation = 0; // a load started before the filters changed must not paint over a newer one

  async function load() {
    clearTimeout(timer);
    const mine = ++generation;
    const current = () => !stopped && mine === generation;
    try {
      const {jobs, more, last} = await fetchPage(cursors[page], status.value, metaKey.value.trim(), metaValue.value.trim());
      if (!current()) return;
      message(error, null);
      nextCursor = more ? last : null;
      const progress = await Promise.all(jobs.map(progressOf));
      if (!current()) return;
      fill(body, jobs.length ? jobs.map((job, i) => row(job, progress[i]))
        : h('tr', {}, h('td', {colspan: 6, class: 'hint'}, 'No jobs match.')));
      prev.disabled = page === 0;
      next.disabled = nextCursor === null;
      pageInfo.textContent = `page ${page + 1}`;
    } catch (err) {
      if (!current()) return;
      message(error, err instanceof ApiError && err.status === 403
        ? `Not allowed (403): ${err.message}` : err.message);
    }
    if (current()) timer = setTimeout(load, 3000);
  }

  filters.addEventListener('submit', (e) => { e.preventDefault(); cursors.length = 1; page = 0; load(); });
  next.addEventListener('click', () => { cursors[page + 1] = nextCursor; page++; load(); });
  prev.addEventListener('click', () => { page--; load(); });
  load();
  return () => { stopped = true; clearTimeout(timer); };
}

/** One page of jobs that pass the status filter: server pages are scanned until PAGE match. */
async function fetchPage(after, status, metaKey, metaValue) {
  const params = metaKey ? {[`metadata[${metaKey}]`]: metaValue} : {};
  const jobs = [];
  let cursor = after;
  for (;;) {
    const page = await get('/fine_tuning/jobs', {...params, limit: status ? 100 : PAGE, after: cursor});
    for (const job of page.data) {
      cursor = job.id;
      if (!status || job.status === status) jobs.push(job);
      if (jobs.length === PAGE) return {jobs, more: true, last: cursor};
    }
    if (!page.has_more || page.data.length === 0) return {jobs, more: false, last: cursor};
  }
}

/** "step/total" from the newest metrics event of an active job; a finished one is done or not. */
async function progressOf(job) {
  if (job.status === 'succeeded') return {value: 1, text: 'done'};
  if (!['running', 'pausing', 'paused', 'queued'].includes(job.status)) return null;
  const events = await get(`/fine_tuning/jobs/${encodeURIComponent(job.id)}/events`, {limit: 20});
  const metrics = events.data.find((e) => e.type === 'metrics' && e.data && e.data.total_steps);
  return metrics ? {value: metrics.data.step / metrics.data.total_steps, text: `${metrics.data.step}/${metrics.data.total_steps}`} : null;
}

function row(job, progress) {
  return h('tr', {'data-job': job.id},
    h('td', {}, h('a', {href: `#/jobs/${encodeURIComponent(job.id)}`}, job.id)),
    h('td', {}, statusBadge(job.status)),
    h('td', {}, job.model),
    h('td', {}, job.user_provided_suffix ?? '—'),
    h('td', {}, time(job.created_at)),
    h('td', {}, progress ? [h('progress', {max: 1, value: progress.value, 'aria-label': `progress ${progress.text}`}), ' ', progress.text] : '—'));
}
