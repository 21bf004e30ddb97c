// The job-create form. The browser does not pre-validate (novalidate): the server's own
// validation decides, and its error is shown next to the field its "param" names.
import {get, post, ApiError} from '../api.js';
import {h, fill, message} from '../dom.js';

const HYPER = ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta'];

export function createView(main) {
  const errors = {};
  const field = (name, label, control, hint) => {
    errors[name] = h('p', {class: 'field-error', id: `error-${name}`, role: 'alert'});
    control.setAttribute('aria-describedby', `error-${name}`);
    return h('div', {class: 'field', 'data-field': name}, h('label', {for: control.id}, label), control,
      hint ? h('p', {class: 'hint'}, hint) : null, errors[name]);
  };
  const input = (name, attrs = {}) => h('input', {id: `f-${name}`, name, autocomplete: 'off', ...attrs});
  const model = h('select', {id: 'f-model', name: 'model'});
  const training = h('select', {id: 'f-training_file', name: 'training_file'});
  const validation = h('select', {id: 'f-validation_file', name: 'validation_file'});
  const method = h('select', {id: 'f-method', name: 'method'}, h('option', {value: 'supervised'}, 'supervised'), h('option', {value: 'dpo'}, 'dpo'));
  const inputs = {
    suffix: input('suffix'), seed: input('seed', {inputmode: 'numeric'}),
    n_epochs: input('n_epochs', {placeholder: 'auto'}), batch_size: input('batch_size', {placeholder: 'auto'}),
    learning_rate_multiplier: input('learning_rate_multiplier', {placeholder: 'auto'}), beta: input('beta', {placeholder: 'auto'}),
  };
  const metadata = h('textarea', {id: 'f-metadata', name: 'metadata', rows: 3, placeholder: 'experiment=support-bot-v1'});
  const formError = h('div', {id: 'create-error'});
  const form = h('form', {class: 'card', id: 'create-job', novalidate: true},
    h('div', {class: 'row'}, field('model', 'Base model', model), field('method', 'Method', method)),
    h('div', {class: 'row'}, field('training_file', 'Training file', training),
      field('validation_file', 'Validation file (optional)', validation)),
    h('div', {class: 'row'}, field('suffix', 'Suffix', inputs.suffix, 'Names the model ft:<base>:<suffix>'),
      field('seed', 'Seed', inputs.seed, 'Empty: the server picks one')),
    h('fieldset', {}, h('legend', {}, 'Hyperparameters (empty means auto)'),
      h('div', {class: 'row'}, field('n_epochs', 'Epochs', inputs.n_epochs), field('batch_size', 'Batch size', inputs.batch_size),
        field('learning_rate_multiplier', 'Learning rate multiplier', inputs.learning_rate_multiplier),
        field('beta', 'Beta (dpo)', inputs.beta))),
    field('metadata', 'Metadata (key=value, one per line)', metadata),
    formError,
    h('button', {type: 'submit', class: 'primary'}, 'Create job'));
  fill(main, h('h1', {}, 'New fine-tuning job'), form);

  Promise.all([get('/models'), get('/files', {purpose: 'fine-tune'})]).then(([models, files]) => {
    fill(model, models.data.map((m) => h('option', {value: m.id}, m.id)));
    const options = files.data.map((f) => h('option', {value: f.id}, `${f.filename} (${f.id})`));
    fill(training, options.map((o) => o.cloneNode(true)));
    fill(validation, h('option', {value: ''}, 'none'), options);
  }).catch((err) => message(formError, err.message));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of Object.values(errors)) fill(el);
    message(formError, null);
    let body;
    try {
      body = request();
    } catch (err) {
      showError(err.param, err.message);
      return;
    }
    try {
      const job = await post('/fine_tuning/jobs', body);
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (err) {
      showError(err instanceof ApiError ? err.param : null, err.status === 403 ? `Not allowed (403): ${err.message}` : err.message);
    }
  });

  function showError(param, text) {
    const name = fieldOf(param);
    if (name) {
      fill(errors[name], text);
      form.querySelector(`[data-field="${name}"]`).scrollIntoView({block: 'nearest'});
      document.getElementById(`f-${name}`).focus();
    } else {
      message(formError, text);
    }
  }

  /** "method.supervised.hyperparameters.n_epochs" -> "n_epochs"; "training_file" -> itself. */
  function fieldOf(param) {
    if (!param) return null;
    if (errors[param]) return param;
    const last = param.split('.').pop();
    return errors[last] ? last : null;
  }

  function request() {
    const hyper = {};
    for (const name of HYPER) {
      const raw = inputs[name].value.trim();
      if (raw === '' || (name === 'beta' && method.value !== 'dpo')) continue;
      hyper[name] = raw === 'auto' ? 'auto' : numberOr(raw);
    }
    const body = {model: model.value, training_file: training.value,
      method: {type: method.value, [method.value]: {hyperparameters: hyper}}};
    if (validation.value) body.validation_file = validation.value;
    if (inputs.suffix.value.trim()) body.suffix = inputs.suffix.value.trim();
    if (inputs.seed.value.trim()) body.seed = numberOr(inputs.seed.value.trim());
    const meta = {};
    for (const line of metadata.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const eq = line.indexOf('=');
      if (eq <= 0) throw Object.assign(new Error(`Metadata line '${line}' is not key=value.`), {param: 'metadata'});
      meta[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    if (Object.keys(meta).length) body.metadata = meta;
    return body;
  }
}

/** A number when the text is one; otherwise the text itself, for the server to refuse by name. */
function numberOr(text) {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}
