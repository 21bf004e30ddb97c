#!/usr/bin/env bash
# GPU check for mka1-backend-cuda, to run on a machine with an NVIDIA GPU (driver >= CUDA 12):
#   1. builds the modules it needs and runs their tests with the gpu-tagged ones included
#      (every kernel against the reference backend, the stories260k LoRA run);
#   2. runs the training benchmark for each tensor-core matmul path (3xtf32, the default; tf32;
#      bf16): matmul GFLOP/s for the SmolLM-135M shapes, then full fine-tuning tokens/s and MFU
#      of a random SmolLM-135M-sized model.
# Arguments go to the benchmark (e.g. --batch 16 --steps 20 --peak-tflops 989).
# Set SKIP_TESTS=1 to run the benchmark only.
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
for matmul in 3xtf32 tf32 bf16; do
  echo "gpu-check: benchmark, cuda.matmul=$matmul"
  java --enable-native-access=ALL-UNNAMED -cp "$classpath" \
    com.mka1.backend.cuda.TrainingStepBenchmark --matmul "$matmul" "$@"
done
