#!/usr/bin/env bash
# Job throughput of the scale-out path (issue 18): small fine-tuning jobs (LoRA on mka1:tiny, reference
# backend, one epoch of two steps) through 1, 2 and 3 `mka1 serve` processes sharing one PostgreSQL
# (Debian's binaries, apt-get install postgresql) and one s3proxy bucket, side by side, with where a
# job's time goes (validation, queue wait, claim to running, the run), from the database's record
# of every claim and status change. Each setting starts a fresh cluster; all jobs are submitted at once.
#   bench/scale-out-throughput.sh            12 jobs per setting, 1..3 nodes
#   JOBS=24 NODES=3 bench/scale-out-throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
JOBS=${JOBS:-12}
NODES=${NODES:-3}
OUT=bench/results
mkdir -p "$OUT"
mvn -B -ntp -q -pl mka1-server-lite -am verify -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/mka1-server-lite/target/test-classpath.txt" >"$OUT/scale-out-build.log" 2>&1 \
  || { tail -n 30 "$OUT/scale-out-build.log" >&2; echo "build failed (log: $OUT/scale-out-build.log)" >&2; exit 1; }
CP="mka1-server-lite/target/test-classes:mka1-server-lite/target/classes:$(cat mka1-server-lite/target/test-classpath.txt)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" com.mka1.server.testing.ScaleOutThroughput "$JOBS" "$NODES"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
