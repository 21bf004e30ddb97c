"""OpenBLAS SGEMM rate (through numpy) for the linear-layer matmul forms of mka1's MatmulBenchmark.

Rates are of the median call. Prints one JSON object: {"blas": "...", "threads": N, "results": {"TxINxOUT": {form: GFLOP/s}}}.
forward = x[T,in] @ W[out,in]^T, backwardInput = dy[T,out] @ W, backwardWeight = dy^T @ x.
"""
import argparse, json, os, statistics, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, required=True)
parser.add_argument("--shapes", default="512x576x576,512x576x1536,512x1536x576,512x576x49152")
parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per case")
args = parser.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)
import numpy as np  # after the thread variables, which OpenBLAS reads at load time


def blas_name():
    try:
        from threadpoolctl import threadpool_info
        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return "%s %s (%s)" % (infos[0].get("internal_api"), infos[0].get("version"), infos[0].get("filepath"))
    except ImportError:
        pass
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line})
    return ", ".join(libs) or "unknown"


def rate(fn, flops):
    """GFLOP/s of the median call (like the JMH side's p50), after a warm-up."""
    for _ in range(3):
        fn()
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return flops / statistics.median(times) / 1e9


rng = np.random.default_rng(42)
results = {}
for shape in args.shapes.split(","):
    t, n_in, n_out = (int(v) for v in shape.split("x"))
    x = rng.standard_normal((t, n_in), dtype=np.float32)
    w = rng.standard_normal((n_out, n_in), dtype=np.float32)
    dy = rng.standard_normal((t, n_out), dtype=np.float32)
    y = np.empty((t, n_out), np.float32)
    dx = np.empty((t, n_in), np.float32)
    dw = np.empty((n_out, n_in), np.float32)
    flops = 2.0 * t * n_in * n_out
    results[shape] = {
        "forward": rate(lambda: np.matmul(x, w.T, out=y), flops),
        "backwardInput": rate(lambda: np.matmul(dy, w, out=dx), flops),
        "backwardWeight": rate(lambda: np.matmul(dy.T, x, out=dw), flops),
    }
print(json.dumps({"blas": blas_name(), "numpy": np.__version__, "python": sys.executable,
                  "threads": args.threads, "results": results}))
