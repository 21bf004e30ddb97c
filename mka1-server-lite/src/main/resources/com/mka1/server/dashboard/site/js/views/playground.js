// The playground: a Responses request with "stream": true; text appears as its deltas arrive.
import {get, stream} from '../api.js';
import {h, fill, message} from '../dom.js';

export function playgroundView(main, preselected) {
  const model = h('select', {id: 'p-model', name: 'model'});
  const instructions = h('input', {id: 'p-instructions', name: 'instructions', autocomplete: 'off'});
  const prompt = h('textarea', {id: 'p-input', name: 'input', rows: 4, required: true});
  const temperature = h('input', {id: 'p-temperature', name: 'temperature', type: 'number', min: 0, max: 2, step: 0.1, value: 1});
  const maxTokens = h('input', {id: 'p-max-tokens', name: 'max_output_tokens', type: 'number', min: 1, max: 4096, value: 64});
  const send = h('button', {type: 'submit', class: 'primary', id: 'p-send'}, 'Send');
  const stop = h('button', {type: 'button', id: 'p-stop', disabled: true}, 'Stop');
  const output = h('pre', {class: 'output', id: 'p-output', 'aria-live': 'polite'});
  const state = h('p', {class: 'hint', id: 'p-state', role: 'status'});
  const error = h('div');
  const form = h('form', {class: 'card', id: 'playground'},
    h('div', {class: 'row'},
      h('div', {}, h('label', {for: 'p-model'}, 'Model'), model),
      h('div', {}, h('label', {for: 'p-temperature'}, 'Temperature'), temperature),
      h('div', {}, h('label', {for: 'p-max-tokens'}, 'Max output tokens'), maxTokens)),
    h('label', {for: 'p-instructions'}, 'Instructions (optional)'), instructions,
    h('label', {for: 'p-input'}, 'Input'), prompt,
    h('div', {class: 'row'}, send, stop), error);
  fill(main, h('h1', {}, 'Playground'), form, h('section', {class: 'card', 'aria-labelledby': 'h-out'},
    h('h2', {id: 'h-out'}, 'Answer'), output, state));

  get('/models').then((models) => {
    const ids = models.data.map((m) => m.id);
    if (preselected && !ids.includes(preselected)) ids.unshift(preselected);
    fill(model, ids.map((id) => h('option', {value: id, selected: id === preselected}, id)));
  }).catch((err) => message(error, err.message));

  let controller = null;
  stop.addEventListener('click', () => controller && controller.abort());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message(error, null);
    fill(output);
    state.textContent = 'Waiting for the model…';
    controller = new AbortController();
    send.disabled = true;
    stop.disabled = false;
    const body = {model: model.value, input: prompt.value, temperature: Number(temperature.value),
      max_output_tokens: Number(maxTokens.value)};
    if (instructions.value.trim()) body.instructions = instructions.value.trim();
    try {
      for await (const {data} of stream('/responses', body, controller.signal)) {
        if (data.type === 'response.output_text.delta') {
          output.append(data.delta);
          state.textContent = 'Streaming…';
        } else if (data.type === 'response.completed' || data.type === 'response.incomplete') {
          const u = data.response.usage;
          state.textContent = `${data.response.status}${u ? `: ${u.input_tokens} input, ${u.output_tokens} output tokens` : ''}`;
          state.dataset.done = data.response.status;
        } else if (data.type === 'response.failed' || data.type === 'error') {
          message(error, (data.response && data.response.error && data.response.error.message) || data.message || 'The response failed');
          state.textContent = 'failed';
        }
      }
    } catch (err) {
      if (err.name === 'AbortError') state.textContent = 'Stopped.';
      else { message(error, err.message); state.textContent = ''; }
    } finally {
      send.disabled = false;
      stop.disabled = true;
      controller = null;
    }
  });
  return () => controller && controller.abort();
}
