"""Prints mka1 vs PyTorch training and inference throughput from bench/results/train-*.json.

Columns: mka1; PyTorch at the same thread count; PyTorch's best over the settings the script tried
(same threads, same threads over a one-thread OpenBLAS, one thread), with the setting's name; and
mka1's ratio against each.
"""
import json, os, sys

out, configs = sys.argv[1], sys.argv[2:]
VARIANTS = (("", "same threads"), ("-blas1", "blas 1 thread"), ("-1thread", "1 thread"))
print("%-17s %-20s %9s %9s %6s %9s %6s  %s" % ("config", "metric", "mka1", "pytorch", "ratio", "pt best", "ratio",
                                               "pt best setting"))
for config in configs:
    ours = json.load(open("%s/train-%s-mka1.json" % (out, config)))
    runs = []
    for suffix, label in VARIANTS:
        path = "%s/train-%s-pytorch%s.json" % (out, config, suffix)
        if os.path.exists(path):
            runs.append((label, json.load(open(path))))
    same = runs[0][1]
    for metric in ("train_tokens_per_s", "prompt_tokens_per_s", "decode_tokens_per_s"):
        label, best = max(runs, key=lambda r: r[1][metric])
        a, b, c = ours[metric], same[metric], best[metric]
        print("%-17s %-20s %9.1f %9.1f %5.2fx %9.1f %5.2fx  %s" % (config, metric, a, b, a / b, c, a / c, label))
    print("%-17s %-20s %9.4f %9.4f" % (config, "loss (random model)", ours["loss"], same["loss"]))
print("mka1: %s; pytorch: %s, %s" % (ours["device"], same["backend"], same["blas"]))
