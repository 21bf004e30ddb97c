#!/usr/bin/env bash
# Matmul GFLOP/s of the cpu backend (JMH, MatmulBenchmark) next to the machine's OpenBLAS SGEMM
# (numpy) for the same shapes and forms, measured in the same run, and their ratio.
#   bench/matmul-vs-openblas.sh                 all cores, SmolLM-135M shapes at 512 tokens
#   THREADS=1 bench/matmul-vs-openblas.sh       one thread on both sides
#   PYTHON=/usr/bin/python3 (default): Debian numpy on Debian's OpenBLAS, the BLAS PyTorch uses here.
#   JMH_ARGS="-p shape=512x576x576" narrows the run; extra JMH options go there too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE   # let OpenBLAS pick its own kernel and cache sizes
THREADS=${THREADS:-$(nproc)}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=bench/results
mkdir -p "$OUT"

# not offline: a fresh machine has to fetch the JMH and plugin jars once
mvn -B -ntp -q -Pbench -pl mka1-bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$PWD/mka1-bench/target/classpath.txt" >"$OUT/build.log" 2>&1 \
  || { tail -n 30 "$OUT/build.log" >&2; echo "build failed: mvn -Pbench -pl mka1-bench -am package (log: $OUT/build.log)" >&2; exit 1; }
CP="mka1-bench/target/mka1-bench-0.1.0-SNAPSHOT.jar:$(cat mka1-bench/target/classpath.txt)"

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" bench/openblas_sgemm.py --threads "$THREADS" > "$OUT/openblas-before.json"
java -cp "$CP" org.openjdk.jmh.Main MatmulBenchmark -p threads="$THREADS" ${JMH_ARGS:-} \
    -rf json -rff "$OUT/matmul-jmh.json" > "$OUT/matmul-jmh.log"
"$PYTHON" bench/openblas_sgemm.py --threads "$THREADS" > "$OUT/openblas-after.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" bench/matmul_report.py "$OUT/matmul-jmh.json" "$OUT/openblas-before.json" "$OUT/openblas-after.json"
