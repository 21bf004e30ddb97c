"""Prints the cpu backend's matmul GFLOP/s (median call, JMH SampleTime json) beside OpenBLAS
(median call, best of the given runs) and the ratio."""
import json, sys

jmh = json.load(open(sys.argv[1]))
blas_runs = [json.load(open(p)) for p in sys.argv[2:]]
print("OpenBLAS: %s, numpy %s, %d threads (median call; best of %d runs)" % (
    blas_runs[0]["blas"], blas_runs[0]["numpy"], blas_runs[0]["threads"], len(blas_runs)))
print("%-15s %-15s %4s %9s %9s %6s" % ("shape TxINxOUT", "form", "W", "mka1", "OpenBLAS", "ratio"))
for row in jmh:
    form = row["benchmark"].rsplit(".", 1)[1]
    p = row["params"]
    t, n_in, n_out = (int(v) for v in p["shape"].split("x"))
    ms = row["primaryMetric"]["scorePercentiles"]["50.0"]
    ours = 2.0 * t * n_in * n_out / (ms * 1e-3) / 1e9
    blas = max(r["results"].get(p["shape"], {}).get(form, 0.0) for r in blas_runs)
    ratio = ours / blas if blas else float("nan")
    print("%-15s %-15s %4s %9.1f %9.1f %5.0f%%" % (p["shape"], form, p["weight"], ours, blas, 100 * ratio))
