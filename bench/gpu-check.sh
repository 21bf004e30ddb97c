#!/usr/bin/env bash
# GPU check for mka1-backend-cuda, to run on a machine with an NVIDIA GPU (driver >= CUDA 12):
#   1. builds the modules it needs and runs their tests with the gpu-tagged ones included
#      (every kernel against the reference backend, the stories260k LoRA run);
#   2. runs the benchmark stages of bench/gpu-stages.sh, as bench/gpu-run.sh does: the Llama-3.2-1B
#      shape (LoRA r=16 and full fine-tuning, bf16, flash attention), the Llama-3.1-8B shape (LoRA
#      with recomputation) and SmolLM-135M, each beside PyTorch bf16 + SDPA where torch is installed,
#      printing tokens/s, MFU and peak GPU memory ($OUT or target/gpu-out: summary.txt, bench.log).
# Set SKIP_TESTS=1 to run the benchmark only; STAGES, STEPS, BUDGET, TORCH=0 as for gpu-run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || true
else
  echo "gpu-check: nvidia-smi not found; the cuda backend will report why it cannot run." >&2
fi
module=mka1-backend-cuda
cp_file="$module/target/test-classpath.txt"
if [ "${SKIP_TESTS:-0}" = "1" ]; then
  mvn -B -ntp -q -pl "$module" -am package -DskipTests dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
else
  # Only this module's tests (the modules it needs are built, their suites skipped).
  mvn -B -ntp -Pgpu -pl "$module" -am verify dependency:build-classpath \
      -Dtest='com.mka1.backend.cuda.**' -Dsurefire.failIfNoSpecifiedTests=false \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  echo "gpu-check: test results"
  grep -h "Tests run" "$module"/target/surefire-reports/*.txt || true
fi
classpath="$module/target/test-classes:$module/target/classes:$(cat "$cp_file")"
root=$(pwd)
out=${OUT:-$root/target/gpu-out}
mkdir -p "$out"
: >"$out/summary.txt"
start=$(date +%s)
budget=${BUDGET:-3600}
steps=${STEPS:-3}
bench_java=(java -Xmx"${BENCH_HEAP:-48g}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$classpath")
set +e  # the stages report failures in the summary and go on
source bench/gpu-stages.sh
run_stages
echo "==== summary ($out/summary.txt)"
cat "$out/summary.txt"
