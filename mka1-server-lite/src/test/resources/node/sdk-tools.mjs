// The official OpenAI Node SDK against MKA1 (base URL and key changed only): a function-call round
// trip and a json_schema answer. Prints one JSON line of what it saw; NodeSdkTest asserts it.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.MKA1_BASE_URL, apiKey: process.env.MKA1_API_KEY, maxRetries: 0 });
const tools = [{
  type: 'function', name: 'get_order', description: 'Looks an order up.', strict: true,
  parameters: { type: 'object', properties: { order_id: { type: 'string', maxLength: 4 } },
    required: ['order_id'], additionalProperties: false },
}];
const first = await client.responses.create({
  model: process.env.MKA1_TOOLS_MODEL, input: 'Where is order A12?', tools, max_output_tokens: 80,
  tool_choice: { type: 'function', name: 'get_order' },
});
const call = first.output[0];
const answer = await client.responses.create({
  model: process.env.MKA1_TOOLS_MODEL, previous_response_id: first.id, tools, tool_choice: 'none', max_output_tokens: 6,
  input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"status": "shipped"}' }],
});
const city = await client.responses.create({
  model: 'mka1:tiny', input: 'Which city?', max_output_tokens: 60,
  text: { format: { type: 'json_schema', name: 'city', strict: true, schema: {
    type: 'object', properties: { city: { type: 'string', maxLength: 10 } }, required: ['city'], additionalProperties: false } } },
});
console.log(JSON.stringify({
  callType: call.type, name: call.name, callId: call.call_id, arguments: JSON.parse(call.arguments),
  answerType: answer.output[0].type, answerText: answer.output_text, city: JSON.parse(city.output_text),
}));
