#!/usr/bin/env python3
"""Independent PyTorch reference for mka1-core's Llama math (float64, autograd).

Not Hugging Face transformers: a plain re-implementation from the architecture, so that the
Java engine is checked against a second, separately written model. Reads and writes
safetensors with numpy (no safetensors package needed).

Usage (regenerates every fixture under mka1-core/src/test/resources):
    /usr/bin/python3 tools/reference/llama_reference.py [--shared ../shared]
Needs python3-torch (Debian: apt-get install python3-torch) and numpy.
"""
import argparse
import json
import math
import os
import struct

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RESOURCES = os.path.join(ROOT, "mka1-core", "src", "test", "resources")


# ---- safetensors -------------------------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[8 + n + b:8 + n + e]
        if info["dtype"] == "F32":
            arr = np.frombuffer(raw, "<f4")
        elif info["dtype"] == "F16":
            arr = np.frombuffer(raw, "<f2").astype(np.float32)
        elif info["dtype"] == "BF16":
            arr = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(name + ": unsupported dtype " + info["dtype"])
        out[name] = torch.from_numpy(arr.reshape(info["shape"]).astype(np.float64))
    return out


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---- config ------------------------------------------------------------------------------

class Config:
    def __init__(self, j):
        self.arch = j.get("architectures", ["LlamaForCausalLM"])[0]
        self.hidden = j["hidden_size"]
        self.inter = j["intermediate_size"]
        self.layers = j["num_hidden_layers"]
        self.heads = j["num_attention_heads"]
        self.kv_heads = j.get("num_key_value_heads", self.heads)
        self.head_dim = j.get("head_dim", self.hidden // self.heads)
        self.vocab = j["vocab_size"]
        self.eps = j.get("rms_norm_eps", 1e-6)
        self.theta = j.get("rope_theta", 10000.0)
        self.scaling = j.get("rope_scaling")
        self.tied = j.get("tie_word_embeddings", False)
        qwen2 = self.arch == "Qwen2ForCausalLM"
        self.qkv_bias = qwen2 or j.get("attention_bias", False)
        self.o_bias = (not qwen2) and j.get("attention_bias", False)

    def inv_freq(self):
        d = self.head_dim
        f = np.array([1.0 / self.theta ** (2.0 * i / d) for i in range(d // 2)])
        s = self.scaling
        kind = None if s is None else s.get("rope_type", s.get("type"))
        if kind == "linear":
            f = f / s["factor"]
        elif kind == "llama3":
            factor, lo, hi = s["factor"], s.get("low_freq_factor", 1.0), s.get("high_freq_factor", 4.0)
            old = s["original_max_position_embeddings"]
            out = []
            for x in f:
                wavelen = 2 * math.pi / x
                if wavelen > old / lo:
                    out.append(x / factor)
                elif wavelen >= old / hi:
                    smooth = (old / wavelen - lo) / (hi - lo)
                    out.append((1 - smooth) * x / factor + smooth * x)
                else:
                    out.append(x)
            f = np.array(out)
        return torch.from_numpy(f.astype(np.float32))  # float32, as the Java engine holds it


# ---- model -------------------------------------------------------------------------------

def rmsnorm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rope(x, positions, inv_freq):
    # x [n, heads, d]; the angle is computed in float32 (as the SPI specifies), then used in float64
    angle = (positions.to(torch.float32)[:, None] * inv_freq[None, :]).to(torch.float64)
    cos, sin = torch.cos(angle)[:, None, :], torch.sin(angle)[:, None, :]
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def attention(q, k, v, seg_start, batch, seq, cfg):
    hd, group = cfg.head_dim, cfg.heads // cfg.kv_heads
    q = q.view(batch, seq, cfg.heads, hd).transpose(1, 2)
    k = k.view(batch, seq, cfg.kv_heads, hd).repeat_interleave(group, dim=2).transpose(1, 2)
    v = v.view(batch, seq, cfg.kv_heads, hd).repeat_interleave(group, dim=2).transpose(1, 2)
    scale = float(np.float32(1 / math.sqrt(hd)))
    scores = (q @ k.transpose(-1, -2)) * scale  # [b, h, i, j]
    i = torch.arange(seq)[:, None]
    j = torch.arange(seq)[None, :]
    seg = seg_start.view(batch, seq)[:, :, None]
    allowed = (j <= i)[None] & (j >= seg)  # [b, i, j]
    scores = scores.masked_fill(~allowed[:, None], float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    return out.transpose(1, 2).reshape(batch * seq, cfg.heads * hd)


class Model:
    def __init__(self, model_dir, adapter_dir=None):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = Config(json.load(f))
        self.w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        self.lora, self.lora_scaling = {}, 0.0
        if adapter_dir:
            with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
                ac = json.load(f)
            self.lora_scaling = float(np.float32(ac["lora_alpha"] / ac["r"]))
            self.lora = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
        self.inv_freq = self.cfg.inv_freq()

    def linear(self, x, prefix):
        y = x @ self.w[prefix + ".weight"].T
        if prefix + ".bias" in self.w:
            y = y + self.w[prefix + ".bias"]
        a = self.lora.get("base_model.model." + prefix + ".lora_A.weight")
        if a is not None:
            b = self.lora["base_model.model." + prefix + ".lora_B.weight"]
            y = y + self.lora_scaling * ((x @ a.T) @ b.T)
        return y

    def logits(self, tokens, positions, seg_start, batch, seq):
        c, w = self.cfg, self.w
        x = w["model.embed_tokens.weight"][tokens]
        n = tokens.shape[0]
        for l in range(c.layers):
            p = "model.layers.%d." % l
            h = rmsnorm(x, w[p + "input_layernorm.weight"], c.eps)
            q = self.linear(h, p + "self_attn.q_proj").view(n, c.heads, c.head_dim)
            k = self.linear(h, p + "self_attn.k_proj").view(n, c.kv_heads, c.head_dim)
            v = self.linear(h, p + "self_attn.v_proj")
            q = rope(q, positions, self.inv_freq).reshape(n, -1)
            k = rope(k, positions, self.inv_freq).reshape(n, -1)
            x = x + self.linear(attention(q, k, v, seg_start, batch, seq, c), p + "self_attn.o_proj")
            h = rmsnorm(x, w[p + "post_attention_layernorm.weight"], c.eps)
            act = torch.nn.functional.silu(self.linear(h, p + "mlp.gate_proj")) * self.linear(h, p + "mlp.up_proj")
            x = x + self.linear(act, p + "mlp.down_proj")
        x = rmsnorm(x, w["model.norm.weight"], c.eps)
        head = w["model.embed_tokens.weight"] if c.tied else w["lm_head.weight"]
        return x @ head.T


def run_batch(model, batch, params):
    """Logits, loss sum and d(loss_sum / targets)/d(param) for the named params."""
    for t in params.values():
        t.requires_grad_(True)
        t.grad = None
    tokens = torch.tensor(batch["tokens"])
    targets = torch.tensor(batch["targets"])
    logits = model.logits(tokens, torch.tensor(batch["positions"]), torch.tensor(batch["segStart"]),
                          batch["batch"], batch["seqLen"])
    active = targets >= 0
    losses = torch.logsumexp(logits[active], -1) - logits[active].gather(1, targets[active][:, None])[:, 0]
    loss_sum = losses.sum()
    correct = int((logits[active].argmax(-1) == targets[active]).sum())
    (loss_sum / int(active.sum())).backward()
    grads = {name: t.grad.flatten().tolist() for name, t in params.items()}
    for t in params.values():
        t.requires_grad_(False)
    return logits.detach().flatten().tolist(), float(loss_sum), correct, grads


def greedy(model, prompt, steps):
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(steps):
            n = len(ids)
            logits = model.logits(torch.tensor(ids), torch.arange(n), torch.zeros(n, dtype=torch.long), 1, n)
            ids.append(int(torch.argmax(logits[-1])))
    return ids[len(prompt):]


def packed_batch(vocab, rng):
    """Two rows of 7: row 0 packs examples of 3 and 4 tokens, row 1 one example of 5 plus padding."""
    seq = 7
    tokens = rng.integers(0, vocab, size=2 * seq).tolist()
    positions = [0, 1, 2, 0, 1, 2, 3] + [0, 1, 2, 3, 4, 0, 0]
    seg = [0, 0, 0, 3, 3, 3, 3] + [0, 0, 0, 0, 0, 5, 6]
    targets = []
    for r in range(2):
        for i in range(seq):
            at = r * seq + i
            nxt = at + 1
            same = i + 1 < seq and seg[nxt] == seg[at] and not (r == 1 and i >= 4)
            targets.append(tokens[nxt] if same else -1)
    targets[1] = -1  # a masked non-assistant position inside an example
    return {"batch": 2, "seqLen": seq, "tokens": tokens, "targets": targets, "positions": positions, "segStart": seg}


# ---- fixtures ----------------------------------------------------------------------------

TINY_CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 24,
    "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8, "vocab_size": 32,
    "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "attention_bias": True,
    "rope_scaling": {"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 64},
    "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": [2, 3],
}


def tiny_weights(cfg, rng):
    c = Config(cfg)
    w = {"model.embed_tokens.weight": rng.normal(0, 0.5, (c.vocab, c.hidden))}
    dims = {"q": (c.heads * c.head_dim, c.hidden), "k": (c.kv_heads * c.head_dim, c.hidden),
            "v": (c.kv_heads * c.head_dim, c.hidden), "o": (c.hidden, c.heads * c.head_dim),
            "gate": (c.inter, c.hidden), "up": (c.inter, c.hidden), "down": (c.hidden, c.inter)}
    for l in range(c.layers):
        p = "model.layers.%d." % l
        w[p + "input_layernorm.weight"] = 1 + rng.normal(0, 0.1, c.hidden)
        for name in ("q", "k", "v", "o"):
            w[p + "self_attn.%s_proj.weight" % name] = rng.normal(0, 0.4, dims[name])
            w[p + "self_attn.%s_proj.bias" % name] = rng.normal(0, 0.1, dims[name][0])
        w[p + "post_attention_layernorm.weight"] = 1 + rng.normal(0, 0.1, c.hidden)
        for name in ("gate", "up", "down"):
            w[p + "mlp.%s_proj.weight" % name] = rng.normal(0, 0.4, dims[name])
    w["model.norm.weight"] = 1 + rng.normal(0, 0.1, c.hidden)
    w["lm_head.weight"] = rng.normal(0, 0.5, (c.vocab, c.hidden))
    return {k: v.astype(np.float32) for k, v in w.items()}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print("wrote", os.path.relpath(path, ROOT))


def make_tiny(rng):
    d = os.path.join(RESOURCES, "models", "tiny-llama-bias")
    os.makedirs(os.path.join(d, "lora"), exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(TINY_CONFIG, f, indent=2)
    write_safetensors(os.path.join(d, "model.safetensors"), tiny_weights(TINY_CONFIG, rng))
    # an adapter with non-zero A and B on q, v, down (rank 2, alpha 3)
    c = Config(TINY_CONFIG)
    adapter, shapes = {}, {"self_attn.q_proj": (c.heads * c.head_dim, c.hidden),
                           "self_attn.v_proj": (c.kv_heads * c.head_dim, c.hidden), "mlp.down_proj": (c.hidden, c.inter)}
    for l in range(c.layers):
        for mod, (out, inp) in shapes.items():
            p = "base_model.model.model.layers.%d.%s." % (l, mod)
            adapter[p + "lora_A.weight"] = rng.normal(0, 0.3, (2, inp)).astype(np.float32)
            adapter[p + "lora_B.weight"] = rng.normal(0, 0.3, (out, 2)).astype(np.float32)
    write_safetensors(os.path.join(d, "lora", "adapter_model.safetensors"), adapter)
    with open(os.path.join(d, "lora", "adapter_config.json"), "w") as f:
        json.dump({"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 2, "lora_alpha": 3, "lora_dropout": 0.0,
                   "target_modules": ["q_proj", "v_proj", "down_proj"], "bias": "none"}, f, indent=2)

    batch = packed_batch(c.vocab, rng)
    full = Model(d)
    logits, loss_sum, correct, grads = run_batch(full, batch, full.w)
    write_json(os.path.join(RESOURCES, "reference", "tiny-llama-bias-full.json"),
               {"batch": batch, "logits": logits, "lossSum": loss_sum, "correct": correct, "grads": grads})
    lora = Model(d, os.path.join(d, "lora"))
    logits, loss_sum, correct, grads = run_batch(lora, batch, lora.lora)
    write_json(os.path.join(RESOURCES, "reference", "tiny-llama-bias-lora.json"),
               {"batch": batch, "logits": logits, "lossSum": loss_sum, "correct": correct, "grads": grads})


STORIES_GRADS = ["model.layers.0.self_attn.q_proj.weight", "model.layers.3.self_attn.k_proj.weight",
                 "model.layers.2.input_layernorm.weight", "model.layers.4.mlp.gate_proj.weight", "model.norm.weight"]


def make_stories(shared, rng):
    model = Model(os.path.join(shared, "models", "stories260k"))
    batch = packed_batch(model.cfg.vocab, rng)
    batch["tokens"][0] = 1
    params = {name: model.w[name] for name in STORIES_GRADS}
    logits, loss_sum, correct, grads = run_batch(model, batch, params)
    prompt = [1, 403, 407, 261, 378, 434, 278]  # BOS then arbitrary pieces of the model's vocabulary
    write_json(os.path.join(RESOURCES, "reference", "stories260k.json"),
               {"batch": batch, "logits": logits, "lossSum": loss_sum, "correct": correct, "grads": grads,
                "greedyPrompt": prompt, "greedyIds": greedy(model, prompt, 24)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = ap.parse_args()
    os.makedirs(os.path.join(RESOURCES, "reference"), exist_ok=True)
    rng = np.random.default_rng(20261127)
    make_tiny(rng)
    make_stories(args.shared, rng)


if __name__ == "__main__":
    main()
