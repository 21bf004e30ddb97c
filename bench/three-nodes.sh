#!/usr/bin/env bash
# Three `mka1 serve` nodes on loopback sharing one PostgreSQL (Debian's binaries: apt-get install
# postgresql) and one S3 bucket (s3proxy, an S3-protocol server, from Maven Central), as in
# docs/scale-out.md. Ctrl-C stops everything; the directory with the logs and data stays.
#   bench/three-nodes.sh            three nodes on ports 8081..8083
#   NODES=2 LEASE_SECONDS=6 bench/three-nodes.sh
#   WORK=/tmp/mka1-cluster PG_PORT=55432 S3_PORT=59000 BASE_PORT=8081 bench/three-nodes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
NODES=${NODES:-3}
LEASE_SECONDS=${LEASE_SECONDS:-10}
PG_PORT=${PG_PORT:-55432}
S3_PORT=${S3_PORT:-59000}
BASE_PORT=${BASE_PORT:-8081}
WORK=${WORK:-$(mktemp -d /tmp/mka1-three-nodes.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$WORK/pg/PG_VERSION" ] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  echo "stopped; logs and data in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server jars (./mka1 builds them when needed) and s3proxy's class path (the test scope of mka1-store-s3).
./mka1 --help >/dev/null
mvn -B -ntp -q -pl mka1-store-s3 -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/s3proxy.classpath" >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log" >&2; echo "build failed (log: $WORK/build.log)" >&2; exit 1; }

# PostgreSQL: a fresh cluster in $WORK/pg, trust authentication on 127.0.0.1, database mka1, user mka1.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }
AS_PG=()
mkdir -p "$WORK/pg"
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/pg"; AS_PG=(runuser -u postgres --); fi # PostgreSQL refuses root
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U mka1 -A trust -E UTF8 >"$WORK/initdb.log"
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg/server.log" \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
"${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U mka1 mka1
echo "PostgreSQL on 127.0.0.1:$PG_PORT (stop it: ${AS_PG[*]} $PG_BIN/pg_ctl -D $WORK/pg stop)" >&2

# s3proxy: an S3 endpoint over a directory, SigV4 with a fixed key pair.
cat >"$WORK/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=mka1-local
s3proxy.credential=mka1-local-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
EOF
mkdir -p "$WORK/s3"
# (its log to a file: s3proxy sends System.err to its logger, and slf4j-simple's default is System.err)
java -Dorg.slf4j.simpleLogger.logFile="$WORK/s3proxy.log" -cp "$(cat "$WORK/s3proxy.classpath")" \
    org.gaul.s3proxy.Main --properties "$WORK/s3proxy.conf" >"$WORK/s3proxy.out" 2>&1 &
S3_PID=$!
PIDS+=("$S3_PID")
until (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null; do
  kill -0 "$S3_PID" 2>/dev/null || { cat "$WORK/s3proxy.out" "$WORK/s3proxy.log" >&2; exit 1; }
  sleep 0.2
done
echo "s3proxy on 127.0.0.1:$S3_PORT, pid $S3_PID" >&2

# The nodes: the same database, bucket and keys; their own port, data directory and worker id.
export MKA1_DATABASE_URL="postgresql://mka1@127.0.0.1:$PG_PORT/mka1"
export MKA1_BLOBS=s3://mka1/three-nodes AWS_ENDPOINT_URL_S3="http://127.0.0.1:$S3_PORT" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=mka1-local AWS_SECRET_ACCESS_KEY=mka1-local-secret
for i in $(seq 1 "$NODES"); do
  ./mka1 serve --port $((BASE_PORT + i - 1)) --data-dir "$WORK/node$i" --worker-id "node$i" \
      --lease-seconds "$LEASE_SECONDS" >"$WORK/node$i.log" 2>&1 &
  PIDS+=("$!")
  echo "node$i: pid $!, log $WORK/node$i.log" >&2
done
for i in $(seq 1 "$NODES"); do
  port=$((BASE_PORT + i - 1))
  until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || { cat "$WORK/node$i.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "node$i: http://127.0.0.1:$port" >&2
done
echo "ready: $NODES nodes on one queue; Ctrl-C stops them" >&2
wait
