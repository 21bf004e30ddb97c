#!/usr/bin/env bash
# Runs the CUDA backend's tests (gpu-tagged ones included) and the GPU benchmark from the bundle
# that bench/gpu-bundle.sh made, on a machine with no JDK, Maven or network (the lent device
# machines: `run` with carry ["target/gpu"]). Logs and JUnit XML go to $OUT (else target/gpu-out).
#   BENCH_ARGS  extra benchmark arguments (default: --steps 5 --warmup 2)
#   MATMULS     tensor-core paths to benchmark (default: "3xtf32 tf32 bf16")
#   SKIP_TESTS=1 / SKIP_BENCH=1 / TORCH=0 (skip the PyTorch reference) / TORCH_RUNS="config:amp ..."
#   TEST_BACKEND=cpu checks this harness on a machine without a GPU (gpu-tagged tests on the CPU backend)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${OUT:-$root/target/gpu-out}
mkdir -p "$out"
b=$(mktemp -d /tmp/mka1-gpu.XXXX)
xz -dc "$root/target/gpu/bundle.tar.xz" | tar -C "$b" -xf - || { echo "gpu-run: no bundle; run bench/gpu-bundle.sh" >&2; exit 1; }
java="$b/jdk/bin/java"
cp="$b/test-classes:$b/classes"
for jar in "$b"/lib/*.jar; do cp="$cp:$jar"; done
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dmka1.shared.dir="$b/shared"
     -Dmka1.test.backend="${TEST_BACKEND:-cuda}" -Dorg.slf4j.simpleLogger.defaultLogLevel=info)
(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || echo "no nvidia-smi") | tee "$out/gpu.txt"
status=0
if [ "${SKIP_TESTS:-0}" != 1 ]; then
  # From the module's folder, as under Maven (PtxModulesTest reads src/main/cuda).
  (cd mka1-backend-cuda && timeout "${TEST_TIMEOUT:-300}" "$java" "${jvm[@]}" -jar "$b/console.jar" execute --class-path "$cp" \
      --select-package com.mka1.backend.cuda --exclude-tag slow --details tree --disable-banner \
      --disable-ansi-colors --reports-dir "$out/junit" >"$out/tests.log" 2>&1)
  status=$?
  grep -E "tests (successful|failed|aborted|skipped)|✘" "$out/tests.log" | head -60
  echo "gpu-run: tests exit $status"
fi
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  for matmul in ${MATMULS:-3xtf32 tf32 bf16}; do
    echo "== benchmark, cuda.matmul=$matmul" | tee -a "$out/bench.log"
    timeout "${BENCH_TIMEOUT:-120}" "$java" "${jvm[@]}" -cp "$cp" com.mka1.backend.cuda.TrainingStepBenchmark \
        --matmul "$matmul" ${BENCH_ARGS:---steps 5 --warmup 2} >>"$out/bench.log" 2>&1 || echo "gpu-run: benchmark exit $?" | tee -a "$out/bench.log"
  done
  grep -v "^\[main\] INFO" "$out/bench.log" | grep -v "^  " | head -80
fi
if [ "${TORCH:-1}" = 1 ] && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  for run in ${TORCH_RUNS:-smollm-full:bf16 smollm-lora:bf16 smollm-full:fp32}; do
    TORCH_DEVICE=cuda TORCH_AMP=${run#*:} TORCH_BATCH=8 timeout 120 python3 "$root/bench/torch_llama.py" "${run%%:*}" 16 10 \
        2>&1 | tee -a "$out/torch.log" | tail -1
  done
fi
rm -rf "$b"
exit $status
