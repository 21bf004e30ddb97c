"""The same synthetic Llama as mka1's LlamaBench, in PyTorch: train tokens/s, prompt tokens/s and
greedy decode tokens/s with a KV cache. Prints one JSON line. On the CPU by default; on a GPU
(bench/gpu-run.sh) with TORCH_DEVICE=cuda, TORCH_AMP=fp32|bf16 (autocast) and TORCH_BATCH=rows,
where training attention goes through scaled_dot_product_attention (PyTorch's fused kernels), as it
does on the CPU where PyTorch has it (2.0 and later; TORCH_SDPA=0 turns it off).

usage: torch_llama.py CONFIG THREADS [STEPS]   (CONFIG: smollm-lora, smollm-lora-2k, smollm-full, tinystories-full, qwen05b-lora,
       llama1b-lora, llama1b-full, llama8b-lora: the Llama-3.2-1B and Llama-3.1-8B shapes, batch 8 x 1024, LoRA r=16)

TORCH_CHECKPOINT=1 recomputes each block in the backward pass (torch.utils.checkpoint), as mka1's
recompute setting does; TORCH_SKIP_DECODE=1 skips the prompt/decode timings (training only). On CUDA
the JSON line adds peak_gpu_mb (torch.cuda.max_memory_allocated).

qwen05b-lora keeps its frozen weights in bfloat16, as mka1 does, and widens them to float where they
are used (CPU bfloat16 matmuls are not the fast path on this PyTorch). peak_rss_mb is the process's
resident-set high-water mark (getrusage) at the end.
"""
import json, math, os, re, resource, sys, time

config, threads = sys.argv[1], int(sys.argv[2])
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)
if os.environ.get("TORCH_BLAS_THREADS"):  # the BLAS's own pool size, when it fights OpenMP's
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = os.environ["TORCH_BLAS_THREADS"]
import torch
import torch.nn.functional as F
import torch.utils.checkpoint

torch.set_num_threads(threads)
torch.manual_seed(1234)

SHAPES = {  # dim, layers, heads, kv heads, hidden, vocab, seq, batch, lora rank, frozen dtype
    "smollm-lora": (576, 30, 9, 3, 1536, 49152, 512, 1, 8, torch.float32),
    "smollm-lora-2k": (576, 30, 9, 3, 1536, 49152, 2048, 1, 8, torch.float32),
    "smollm-full": (576, 30, 9, 3, 1536, 49152, 512, 1, 0, torch.float32),
    "tinystories-full": (288, 6, 6, 6, 768, 32000, 256, 8, 0, torch.float32),
    "qwen05b-lora": (896, 24, 14, 2, 4864, 151936, 512, 1, 16, torch.bfloat16),
    "llama1b-lora": (2048, 16, 32, 8, 8192, 128256, 1024, 8, 16, torch.bfloat16),
    "llama1b-full": (2048, 16, 32, 8, 8192, 128256, 1024, 8, 0, torch.float32),
    "llama8b-lora": (4096, 32, 32, 8, 14336, 128256, 1024, 8, 16, torch.bfloat16),
}
DIM, LAYERS, HEADS, KV, HIDDEN, VOCAB, SEQ, BATCH, RANK, FROZEN = SHAPES[config]
BATCH = int(os.environ.get("TORCH_BATCH", BATCH))
DEV = torch.device(os.environ.get("TORCH_DEVICE", "cpu"))
AMP = os.environ.get("TORCH_AMP", "fp32")
CHECKPOINT = os.environ.get("TORCH_CHECKPOINT") == "1"
SKIP_DECODE = os.environ.get("TORCH_SKIP_DECODE") == "1"
HD = DIM // HEADS
# PyTorch 2's fused attention (flash attention on the CPU too) is its fastest path; TORCH_SDPA=0
# (or PyTorch 1.x, which has none) uses the explicit softmax(QK^T)V.
SDPA = hasattr(F, "scaled_dot_product_attention") and os.environ.get("TORCH_SDPA", "1") == "1"
# Since 2.5 it reads grouped K/V heads itself, without copying them per query head.
SDPA_GQA = SDPA and "enable_gqa" in (F.scaled_dot_product_attention.__doc__ or "")
PROMPT, DECODE, PREFILLS = 128, 64, 5


class Linear(torch.nn.Module):
    """y = x W^T, W trainable, or frozen with a LoRA adapter (alpha 16)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = torch.nn.Parameter((torch.randn(n_out, n_in) / math.sqrt(n_in)).to(FROZEN if RANK else torch.float32),
                                         requires_grad=RANK == 0)
        if RANK:
            self.a = torch.nn.Parameter(torch.randn(RANK, n_in) / math.sqrt(n_in))
            self.b = torch.nn.Parameter(torch.randn(n_out, RANK) * 0.01)

    def forward(self, x):
        # under CUDA bf16 autocast F.linear casts the (bf16) weight itself: no float copy
        y = F.linear(x, self.weight if DEV.type == "cuda" and AMP == "bf16" else self.weight.float())
        if RANK:
            y = y + F.linear(F.linear(x, self.a), self.b) * (16.0 / RANK)
        return y


class RMSNorm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(DIM), requires_grad=RANK == 0)

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


inv_freq = (1.0 / (10000 ** (torch.arange(0, HD, 2).float() / HD))).to(DEV)


def rope(x, pos):  # x [B, T, H, hd], HF rotate-half
    ang = pos[:, None].float() * inv_freq[None, :]
    cos, sin = torch.cat([ang.cos()] * 2, -1)[None, :, None, :], torch.cat([ang.sin()] * 2, -1)[None, :, None, :]
    x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = RMSNorm(), RMSNorm()
        self.q, self.k, self.v, self.o = Linear(DIM, DIM), Linear(DIM, KV * HD), Linear(DIM, KV * HD), Linear(DIM, DIM)
        self.g, self.u, self.d = Linear(DIM, HIDDEN), Linear(DIM, HIDDEN), Linear(HIDDEN, DIM)

    def forward(self, x, pos, cache=None):
        b, t, _ = x.shape
        h = self.n1(x)
        q = rope(self.q(h).view(b, t, HEADS, HD), pos).transpose(1, 2)
        k = rope(self.k(h).view(b, t, KV, HD), pos).transpose(1, 2)
        v = self.v(h).view(b, t, KV, HD).transpose(1, 2)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        if SDPA_GQA and (k.shape[2] == t or t == 1):
            # training and a first prefill: causal over the same positions; a decoded token: every cached one
            a = F.scaled_dot_product_attention(q, k, v, is_causal=t > 1, enable_gqa=KV != HEADS)
        elif SDPA and (k.shape[2] == t or t == 1):
            k, v = k.repeat_interleave(HEADS // KV, 1), v.repeat_interleave(HEADS // KV, 1)
            a = F.scaled_dot_product_attention(q, k, v, is_causal=t > 1)
        else:
            k, v = k.repeat_interleave(HEADS // KV, 1), v.repeat_interleave(HEADS // KV, 1)
            s = q @ k.transpose(-1, -2) / math.sqrt(HD)
            kv_len = k.shape[2]
            mask = torch.ones(t, kv_len, dtype=torch.bool, device=x.device).tril(kv_len - t)
            a = torch.softmax(s.masked_fill(~mask, float("-inf")), -1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, t, DIM))
        h = self.n2(x)
        return x + self.d(F.silu(self.g(h)) * self.u(h))


class Llama(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Parameter((torch.randn(VOCAB, DIM) * 0.02).to(FROZEN if RANK else torch.float32),
                                      requires_grad=RANK == 0)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = RMSNorm()

    def forward(self, tokens, pos, caches=None):
        emb = self.emb.float()  # the same tensor when already float
        x = F.embedding(tokens, emb)
        for i, blk in enumerate(self.blocks):
            if CHECKPOINT and caches is None and torch.is_grad_enabled():
                x = torch.utils.checkpoint.checkpoint(blk, x, pos, use_reentrant=False)
            else:
                x = blk(x, pos, None if caches is None else caches[i])
        return F.linear(self.norm(x), emb)


def blas():
    with open("/proc/self/maps") as maps:
        libs = sorted({l.split()[-1] for l in maps if ".so" in l and any(s in l.lower() for s in ("blas", "mkl", "lapack"))})
    info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return "BLAS_INFO=%s; loaded: %s" % (info.group(1) if info else "?", ", ".join(libs))


model = Llama().to(DEV)
params = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
tokens = torch.randint(0, VOCAB, (BATCH, SEQ)).to(DEV)
targets = torch.cat([tokens[:, 1:], torch.full((BATCH, 1), -100, device=DEV)], 1)
pos = torch.arange(SEQ, device=DEV)


def train_step():
    opt.zero_grad(set_to_none=True)
    with torch.autocast(DEV.type, dtype=torch.bfloat16, enabled=AMP == "bf16"):
        logits = model(tokens, pos)
        loss = F.cross_entropy(logits.view(-1, VOCAB).float(), targets.view(-1), ignore_index=-100)
    loss.backward()
    opt.step()
    return loss.item()


loss = train_step()  # warm-up
start = time.perf_counter()
for _ in range(steps):
    loss = train_step()
train_s = time.perf_counter() - start


@torch.no_grad()
def generate(prompt, count):
    caches = [dict() for _ in range(LAYERS)]
    logits = model(prompt[None, :], torch.arange(len(prompt), device=DEV), caches)
    out = [int(logits[0, -1].argmax())]
    for i in range(count - 1):
        p = len(prompt) + i
        logits = model(torch.tensor([[out[-1]]], device=DEV), torch.tensor([p], device=DEV), caches)
        out.append(int(logits[0, -1].argmax()))
    return out


prefill = decode = float("nan")
if not SKIP_DECODE:
    prompt = tokens[0, :PROMPT]
    generate(prompt, 2)
    prefills = []
    for _ in range(PREFILLS):  # median of several: one prefill is a few milliseconds
        start = time.perf_counter()
        generate(prompt, 1)
        prefills.append(time.perf_counter() - start)
    prefill = sorted(prefills)[PREFILLS // 2]
    start = time.perf_counter()
    generate(prompt, DECODE + 1)
    decode = time.perf_counter() - start - prefill
device = torch.cuda.get_device_name() + " " + AMP if DEV.type == "cuda" else "cpu"
print(json.dumps({"config": config, "backend": "pytorch " + torch.__version__, "sdpa": SDPA, "device": device, "batch": BATCH, "blas": blas(), "threads": threads,
                  "torch_threads": torch.get_num_threads(),
                  "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]), "tokens_per_step": BATCH * SEQ, "steps": steps,
                  "trainable_parameters": sum(p.numel() for p in params), "loss": round(loss, 4),
                  "train_tokens_per_s": round(BATCH * SEQ * steps / train_s, 1),
                  "prompt_tokens_per_s": round(PROMPT / prefill, 1), "decode_tokens_per_s": round(DECODE / decode, 2),
                  "checkpointing": CHECKPOINT,
                  "peak_gpu_mb": round(torch.cuda.max_memory_allocated() / 2**20) if DEV.type == "cuda" else None,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 * 1.048576)}))
