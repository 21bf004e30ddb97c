#!/usr/bin/env bash
# Runs the CUDA backend's tests (gpu-tagged ones included) and the GPU benchmarks from the bundle
# that bench/gpu-bundle.sh made, on a machine with no JDK, Maven or network (the lent device
# machines: `run` with carry ["target/gpu"]), in ONE command that fits a 10-minute limit: each
# stage gets at most its own cap and what is left of BUDGET seconds (default 560), in this order:
#   1. tests: every test of mka1-backend-cuda, gpu-tagged included (cuBLASLt and kernel matmuls,
#      flash attention, fused kernels vs the reference backend; the stories260k LoRA loss curve);
#   2. Llama-3.2-1B shape, batch 8 x 1024, BF16 (cuda.matmul=bf16, flash attention): LoRA r=16 on
#      all projections, then full fine-tuning; PyTorch bf16 autocast + SDPA on the same shapes;
#   3. Llama-3.1-8B shape LoRA r=16 with activation recomputation; PyTorch with checkpointing;
#   4. the SmolLM-135M shape (mka1 bf16 LoRA and full; PyTorch) if time is left.
# Each benchmark prints tokens/s, MFU and peak GPU memory; $OUT/summary.txt collects those lines.
# Logs and JUnit XML go to $OUT (else target/gpu-out).
#   BUDGET=seconds  SKIP_TESTS=1  SKIP_BENCH=1  TORCH=0 (no PyTorch)  STEPS=3
#   STAGES="1b 8b 135m" (which benchmark stages, in order)
#   BENCH_ARGS extra benchmark arguments; STAGES=tiny BENCH_ARGS="--backend cpu --peak-tflops 1" checks the stages without a GPU
#   TEST_BACKEND=cpu checks this harness on a machine without a GPU (gpu-tagged tests on the CPU backend)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${OUT:-$root/target/gpu-out}
mkdir -p "$out"
start=$(date +%s)
budget=${BUDGET:-560}
steps=${STEPS:-3}
: >"$out/summary.txt"
source "$root/bench/gpu-stages.sh"
b=$(mktemp -d /tmp/mka1-gpu.XXXX)
xz -dc "$root/target/gpu/bundle.tar.xz" | tar -C "$b" -xf - || { echo "gpu-run: no bundle; run bench/gpu-bundle.sh" >&2; exit 1; }
java="$b/jdk/bin/java"
cp="$b/test-classes:$b/classes"
for jar in "$b"/lib/*.jar; do cp="$cp:$jar"; done
(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || echo "no nvidia-smi") \
    | sed 's/^/gpu: /' | summary
# cuBLASLt: the backend searches the usual places itself; a PyTorch install's nvidia-cublas wheel
# may sit in a site-packages folder it does not know, so ask Python where that is.
if [ -z "${MKA1_CUBLASLT:-}" ] && command -v python3 >/dev/null; then
  found=$(python3 - <<'EOF' 2>/dev/null
import glob, site, sys
dirs = site.getsitepackages() + [site.getusersitepackages()] + sys.path
for d in dirs:
    for sub in ("nvidia/cu13/lib/libcublasLt.so.13", "nvidia/cublas/lib/libcublasLt.so.13", "nvidia/cublas/lib/libcublasLt.so.12",
                "nvidia/cu12/lib/libcublasLt.so.12"):
        hits = glob.glob(d + "/" + sub)
        if hits:
            print(hits[0]); sys.exit(0)
EOF
  )
  [ -n "$found" ] && export MKA1_CUBLASLT="$found"
fi
echo "cuBLASLt: ${MKA1_CUBLASLT:-searched by the backend (MKA1_CUBLASLT unset)}" | summary
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dmka1.shared.dir="$b/shared"
     -Dmka1.test.backend="${TEST_BACKEND:-cuda}" -Dorg.slf4j.simpleLogger.defaultLogLevel=info)
status=0
if [ "${SKIP_TESTS:-0}" != 1 ]; then
  # From the module's folder, as under Maven (PtxModulesTest reads src/main/cuda).
  (cd mka1-backend-cuda && timeout "$(allow "${TEST_TIMEOUT:-200}")" "$java" "${jvm[@]}" -jar "$b/console.jar" execute \
      --class-path "$cp" --select-package com.mka1.backend.cuda --exclude-tag slow --details tree --disable-banner \
      --disable-ansi-colors --reports-dir "$out/junit" >"$out/tests.log" 2>&1)
  status=$?
  grep -E "tests (successful|failed|aborted|skipped)|✘" "$out/tests.log" | head -60
  grep -E "tests (successful|failed)" "$out/tests.log" | sed 's/^/tests: /' | summary
  echo "gpu-run: tests exit $status" | summary
fi

bench_java=("$java" -Xmx"${BENCH_HEAP:-48g}" "${jvm[@]}" -cp "$cp")
run_stages
echo "gpu-run: done in $(($(date +%s) - start)) s" >>"$out/summary.txt"
echo "==== summary ($out/summary.txt)"
cat "$out/summary.txt"
rm -rf "$b"
exit $status
