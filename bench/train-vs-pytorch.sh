#!/usr/bin/env bash
# Training and inference throughput of mka1 (cpu backend, the engine's LlamaModel) and of PyTorch
# (bench/torch_llama.py, same model, CPU) on this machine, one configuration after the other in
# one run, with the ratio. Models are randomly initialised at the configuration's size.
#   bench/train-vs-pytorch.sh                          all three configurations, all cores
#   bench/train-vs-pytorch.sh tinystories-full         one configuration
#   THREADS=2 STEPS=3 PYTHON=/usr/bin/python3 bench/train-vs-pytorch.sh
#   PYTHON="/opt/a/python /opt/b/python" bench/train-vs-pytorch.sh   several PyTorch builds (BLAS), all
#                                                      run, the report compares with the best of them
#   JAVA_HEAP=4g bench/train-vs-pytorch.sh qwen05b-lora   the JVM's -Xmx (default 8g)
# Configurations (issue 4): smollm-lora (SmolLM-135M size, LoRA r=8 on all projections, 512
# tokens, batch 1), smollm-full (same, full fine-tune), tinystories-full (TinyStories-15M size,
# 256 tokens, batch 8, full fine-tune); issue 19: qwen05b-lora (Qwen2.5-0.5B shape, 151936 vocab,
# BF16 frozen weights, LoRA r=16 on all projections, 512 tokens), not in the default list (a
# step is about a TFLOP: minutes per setting on two cores); smollm-lora-2k (smollm-lora at 2048
# tokens, where attention weighs more), not in the default list either.
# Besides tokens/s and the ratios it prints, per configuration, the FMA peak and bandwidths it
# measured, training MFU, the decode bound, peak RSS of both sides and one mka1 step's phases.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE   # PyTorch's OpenBLAS picks its own kernel and cache sizes
THREADS=${THREADS:-$(nproc)}
STEPS=${STEPS:-3}
read -ra PYTHONS <<< "${PYTHON:-/usr/bin/python3}"
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(smollm-lora smollm-full tinystories-full)
OUT=bench/results
mkdir -p "$OUT"

# Debian's PyTorch links the reference BLAS unless OpenBLAS is installed: make sure it is.
if [ "${PYTHONS[0]}" = /usr/bin/python3 ] && ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "libopenblas0-pthread is missing; installing it so PyTorch runs on OpenBLAS" >&2
  apt-get install -y libopenblas0-pthread >&2
fi

# not offline: a fresh machine has to fetch the JMH and plugin jars once
mvn -B -ntp -q -Pbench -pl mka1-bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$PWD/mka1-bench/target/classpath.txt" >"$OUT/build.log" 2>&1 \
  || { tail -n 30 "$OUT/build.log" >&2; echo "build failed: mvn -Pbench -pl mka1-bench -am package (log: $OUT/build.log)" >&2; exit 1; }
CP="mka1-bench/target/mka1-bench-0.1.0-SNAPSHOT.jar:$(cat mka1-bench/target/classpath.txt)"

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus, threads $THREADS, load $(cut -d' ' -f1-3 /proc/loadavg)"
for config in "${CONFIGS[@]}"; do
  java --add-modules jdk.incubator.vector -Xmx"${JAVA_HEAP:-8g}" -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$CP" com.mka1.bench.llama.LlamaBench "$config" "$THREADS" "$STEPS" 2>/dev/null | tail -n1 > "$OUT/train-$config-mka1.json"
  # PyTorch at the same thread count, and (with several threads) at the settings that were faster
  # for it here: OpenMP threads over a one-thread BLAS, and one thread; for each PyTorch given.
  # The report compares against the first one's same-thread figure and against the best of all.
  rm -f "$OUT/train-$config-pytorch"*.json
  for i in "${!PYTHONS[@]}"; do
    py=${PYTHONS[$i]} tag=$([ "$i" -eq 0 ] || echo "-py$i")
    "$py" bench/torch_llama.py "$config" "$THREADS" "$STEPS" > "$OUT/train-$config-pytorch$tag.json"
    if [ "$THREADS" -gt 1 ]; then
      TORCH_BLAS_THREADS=1 "$py" bench/torch_llama.py "$config" "$THREADS" "$STEPS" > "$OUT/train-$config-pytorch$tag-blas1.json"
      "$py" bench/torch_llama.py "$config" 1 "$STEPS" > "$OUT/train-$config-pytorch$tag-1thread.json"
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/train_report.py "$OUT" "${CONFIGS[@]}"
