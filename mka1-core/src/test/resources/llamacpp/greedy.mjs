// Greedy continuations and tokenizations from llama.cpp (through node-llama-cpp), for the GGUF export tests.
// Usage: node greedy.mjs request.json  -> prints {"greedy": [[ids]...], "tokens": [[ids]...], "chatTemplate": text|null}
// request: {"model": path, "lora": path|null, "prompts": [[ids]...], "steps": n, "texts": [string...]}
import {readFileSync} from "node:fs";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const llama = await getLlama({gpu: false, build: "never", maxThreads: 1, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: request.model});
const context = await model.createContext({
    contextSize: 256, sequences: 1, threads: 1, batchSize: 64, // one thread: more spin-wait on a busy small machine
    // llama.cpp's CPU flash attention and its default KV cache round to F16; in F32 the check compares the exported
    // weights, not that rounding (which flips greedy ids of the strong random test adapters)
    experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false,
    lora: request.lora ? {adapters: [{filePath: request.lora, scale: 1}]} : undefined
});
const sequence = context.getSequence();
const greedy = [];
for (const prompt of request.prompts) {
    await sequence.clearHistory();
    const out = [];
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        out.push(token);
        if (out.length >= request.steps) break;
    }
    greedy.push(out);
}
const tokens = request.texts.map(text => Array.from(model.tokenize(text)));
const chatTemplate = model.fileInfo.metadata?.tokenizer?.chat_template ?? null;
process.stdout.write(JSON.stringify({greedy, tokens, chatTemplate}));
await context.dispose();
await model.dispose();
await llama.dispose();
