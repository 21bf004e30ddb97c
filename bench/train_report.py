"""Prints mka1 vs PyTorch training and inference throughput from bench/results/train-*.json.

Columns: mka1; PyTorch at the same thread count (the first PyTorch given); PyTorch's best over every
PyTorch and setting the script tried (same threads, same threads over a one-thread BLAS, one thread),
with the BLAS and setting's name; and
mka1's ratio against each. Under each configuration: mka1's training MFU against the FMA peak
measured in its run, the decode bound (weight + KV bytes per token over the measured read
bandwidth, or the copy bandwidth where larger) and the fraction of it reached, peak RSS of both sides, and where one profiled mka1
training step's time went.
"""
import glob, json, os, re, sys

out, configs = sys.argv[1], sys.argv[2:]
VARIANTS = (("", "same threads"), ("-blas1", "blas 1 thread"), ("-1thread", "1 thread"))


def blas_name(run):
    loaded = run.get("blas", "")
    if "mkl_avx512" in loaded:
        return "MKL avx512"
    if "mkl" in loaded:
        return "MKL"
    return "OpenBLAS" if "openblas" in loaded else "generic BLAS"


def pytorch_runs(config):
    """(label, run) for every PyTorch run of this configuration: the first PyTorch's same-thread run first."""
    runs = []
    for path in sorted(glob.glob("%s/train-%s-pytorch*.json" % (out, config)), key=len):
        tag = path[len("%s/train-%s-pytorch" % (out, config)):-len(".json")]
        py = re.match(r"(-py\d+)?", tag).group(0)
        label = dict(VARIANTS)[tag[len(py):]]
        run = json.load(open(path))
        runs.append(("%s %s, %s" % (run["backend"], blas_name(run), label), run))
    return runs

print("%-17s %-20s %9s %9s %6s %9s %6s  %s" % ("config", "metric", "mka1", "pytorch", "ratio", "pt best", "ratio",
                                               "pt best setting"))
for config in configs:
    ours = json.load(open("%s/train-%s-mka1.json" % (out, config)))
    runs = pytorch_runs(config)
    same = runs[0][1]
    for metric in ("train_tokens_per_s", "prompt_tokens_per_s", "decode_tokens_per_s"):
        label, best = max(runs, key=lambda r: r[1][metric])
        a, b, c = ours[metric], same[metric], best[metric]
        print("%-17s %-20s %9.1f %9.1f %5.2fx %9.1f %5.2fx  %s" % (config, metric, a, b, a / b, c, a / c, label))
    print("%-17s %-20s %9.4f %9.4f" % (config, "loss (random model)", ours["loss"], same["loss"]))
    if "mfu" in ours:
        print("%-17s train MFU %.1f%% of a measured %.0f GFLOP/s FMA peak (%.3g FLOP/token)"
              % (config, 100 * ours["mfu"], ours["peak_gflops"], ours["train_flops_per_token"]))
        print("%-17s decode bound %.1f tokens/s (%.3g bytes/token; measured read %.1f GB/s, copy %.1f GB/s), reached %.0f%%"
              % (config, ours["decode_bound_tokens_per_s"], ours["decode_bytes_per_token"], ours.get("read_gbps", 0),
                 ours["copy_gbps"], 100 * ours["decode_tokens_per_s"] / ours["decode_bound_tokens_per_s"]))
        peaks = {}  # per PyTorch build: its largest peak over the settings
        for label, r in runs:
            if "peak_rss_mb" in r:
                build = label.split(",")[0]
                peaks[build] = max(peaks.get(build, 0), r["peak_rss_mb"])
        rss = ", ".join("%s %d MB" % (build, mb) for build, mb in peaks.items())
        print("%-17s peak RSS: mka1 %d MB (tensors %d MB, weights kept packed %d MB); pytorch %s"
              % (config, ours["peak_rss_mb"], ours["device_peak_mb"], ours.get("packed_weights_mb", 0), rss or "?"))
        phases = ours["step_phases_ms"]
        total = sum(phases.values())
        print("%-17s one step %.0f ms: %s" % (config, total, ", ".join(
            "%s %.0f%%" % (name, 100 * ms / total) for name, ms in phases.items())))
print("mka1: %s; pytorch: %s" % (ours["device"], "; ".join(sorted({label.split(",")[0] for label, _ in runs}))))
for label, r in runs:  # which libraries each PyTorch build loaded (its BLAS)
    if label.endswith("same threads"):
        print("  %s: %s" % (label.split(",")[0], r["blas"]))
