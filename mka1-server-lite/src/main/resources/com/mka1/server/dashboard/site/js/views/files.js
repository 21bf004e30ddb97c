// Files: upload with a progress bar, the list (newest first) and delete (asks once more).
import {get, del, upload} from '../api.js';
import {h, fill, time, bytes, message} from '../dom.js';

const PURPOSES = ['fine-tune', 'assistants', 'batch', 'vision', 'user_data', 'evals'];

export function filesView(main) {
  const input = h('input', {id: 'upload-file', name: 'file', type: 'file', required: true, accept: '.jsonl,.json,.txt,.csv'});
  const purpose = h('select', {id: 'upload-purpose', name: 'purpose'}, PURPOSES.map((p) => h('option', {value: p}, p)));
  const bar = h('progress', {id: 'upload-progress', max: 1, value: 0, 'aria-label': 'upload progress'});
  const percent = h('span', {id: 'upload-percent', class: 'hint'});
  const result = h('div', {id: 'upload-result'});
  const form = h('form', {class: 'card', id: 'upload'},
    h('h2', {}, 'Upload a file'),
    h('div', {class: 'row'},
      h('div', {}, h('label', {for: 'upload-file'}, 'File'), input),
      h('div', {}, h('label', {for: 'upload-purpose'}, 'Purpose'), purpose)),
    h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary'}, 'Upload'), bar, percent),
    result);
  const error = h('div', {id: 'files-message'});
  const body = h('tbody');
  fill(main, h('h1', {}, 'Files'), form, error, h('div', {class: 'scroll'}, h('table', {class: 'list', id: 'files'},
    h('thead', {}, h('tr', {}, ['File', 'Name', 'Purpose', 'Size', 'Created', 'Status', ''].map((c) => h('th', {scope: 'col'}, c)))),
    body)));

  let stopped = false;

  async function load() {
    try {
      const files = await get('/files', {limit: 200});
      if (stopped) return;
      fill(body, files.data.length ? files.data.map(row) : h('tr', {}, h('td', {colspan: 7, class: 'hint'}, 'No files yet.')));
    } catch (err) {
      message(error, err.message);
    }
  }

  function row(f) {
    const remove = h('button', {type: 'button', class: 'danger', 'data-delete': f.id}, 'Delete');
    remove.addEventListener('click', async () => {
      if (remove.dataset.armed !== '1') {
        remove.dataset.armed = '1';
        remove.textContent = 'Confirm delete';
        return;
      }
      try {
        await del(`/files/${encodeURIComponent(f.id)}`);
        message(error, `Deleted ${f.filename} (${f.id}).`, 'ok');
        load();
      } catch (err) {
        message(error, `Could not delete ${f.id}: ${err.message}`);
      }
    });
    return h('tr', {'data-file': f.id}, h('td', {}, h('code', {}, f.id)), h('td', {}, f.filename), h('td', {}, f.purpose),
      h('td', {}, bytes(f.bytes)), h('td', {}, time(f.created_at)), h('td', {}, f.status ?? ''), h('td', {}, remove));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = input.files[0];
    if (!file) return;
    bar.value = 0;
    message(result, null);
    try {
      const created = await upload(file, purpose.value, (done, total) => {
        bar.value = done / total;
        percent.textContent = `${Math.round(100 * done / total)}%`;
      });
      bar.value = 1;
      percent.textContent = '100%';
      message(result, `Uploaded ${created.filename} as ${created.id}.`, 'ok');
      form.reset();
      load();
    } catch (err) {
      message(result, `Upload failed (${err.status}): ${err.message}`);
    }
  });

  load();
  return () => { stopped = true; };
}
