"""Prints mka1 vs PyTorch training and inference throughput from bench/results/train-*.json."""
import json, sys

out, configs = sys.argv[1], sys.argv[2:]
blas = None
print("%-17s %-26s %10s %10s %6s" % ("config", "metric", "mka1", "pytorch", "ratio"))
for config in configs:
    ours = json.load(open("%s/train-%s-mka1.json" % (out, config)))
    theirs = json.load(open("%s/train-%s-pytorch.json" % (out, config)))
    blas = theirs["blas"]
    for metric in ("train_tokens_per_s", "prompt_tokens_per_s", "decode_tokens_per_s"):
        a, b = ours[metric], theirs[metric]
        print("%-17s %-26s %10.1f %10.1f %5.2fx" % (config, metric, a, b, a / b if b else float("nan")))
    print("%-17s %-26s %10.4f %10.4f" % (config, "loss (random model)", ours["loss"], theirs["loss"]))
print("mka1: %s; pytorch: %s, %s" % (ours["device"], theirs["backend"], blas))
