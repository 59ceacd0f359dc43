#!/usr/bin/env bash
# Benchmark of the data plane; results in docs/benchmarks.md (see that file for what is measured).
#
#   scripts/benchmark.sh
#
# Installs nginx and wrk with apt-get when missing (needs root), builds the operator and the
# benchmark module, then runs everything on this machine over 127.0.0.1: a real kube-apiserver +
# etcd (kube-api-test; binaries from scripts/kube-binaries.sh), the operator's runnable jar in its
# own JVM, an HTTPS webhook receiver in its own JVM, nginx as a reverse proxy to the same receiver,
# and wrk or an open-loop generator as the load. Prints the figures (including "ratio: X.XX") and
# rewrites docs/benchmarks.md with two plots. Takes about 25 minutes on 2 cores; every phase is
# bounded in time.
#
# Environment (all optional):
#   BENCH_DURATION=20          seconds per measured throughput round
#   BENCH_ROUNDS=3             alternating rounds of nginx and dispatch; the median ratio is reported
#   BENCH_SCALE_ROUNDS=5       rounds of each scale measurement (the spread case alternates with the
#                              same mailbox); the median round is reported
#   BENCH_WARMUP=60            at most this many seconds of warm-up on each dispatch path measured
#                              against another (half on the 10-rule path, nginx and the relays):
#                              until the JIT compiles less than 10% of the time
#   BENCH_CONNECTIONS=16       wrk connections (closed loop: each waits for its answer)
#   BENCH_MAILBOXES=5000       mailboxes (x 20 rules) for the scale scenario
#   BENCH_SLOW_DELIVERIES=5000 messages sent at once to the endpoint that answers after 5 s
#   BENCH_OUTPUT=docs/benchmarks.md
#   BENCH_OPERATOR_JAR=...     benchmark another build of the operator (e.g. a prototype)
#   BENCH_OPERATOR_HEAP=384m   operator -Xmx (the Helm chart: 75% of a 512Mi container)
#   BENCH_SCALE_OPERATOR_HEAP=768m  operator -Xmx in the scale scenario (docs/operations.md's
#                              recommendation for 100,000 rules: a 1Gi container)
#   BENCH_OPERATOR_JAVA_OPTS=  extra JVM options for the operator
#   BENCH_PHASES=              subset of throughput,sweep,floor,slow,overload,drain,outage,scale (a partial
#                              run prints figures but leaves docs/benchmarks.md alone)
#   BENCH_SKIP_BUILD=1         use the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS
log() { printf '[benchmark.sh +%4ss] %s\n' "$((SECONDS - START))" "$*"; }

# The command as given, for docs/benchmarks.md.
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$({ git status --porcelain -- operator 2>/dev/null || true; } | wc -l | tr -d ' ')"
COMMAND="scripts/benchmark.sh"
for var in BENCH_DURATION BENCH_ROUNDS BENCH_SCALE_ROUNDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_MAILBOXES BENCH_SLOW_DELIVERIES BENCH_OPERATOR_JAR BENCH_OPERATOR_HEAP BENCH_SCALE_OPERATOR_HEAP BENCH_OPERATOR_JAVA_OPTS BENCH_PHASES; do
  if [[ -n "${!var:-}" ]]; then COMMAND="$var='${!var}' $COMMAND"; fi
done
COMMAND="$COMMAND   # git $COMMIT, $DIRTY changed file(s) under operator/ at run time"

# ------------------------------------------------------------------ tools
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  log "installing ${missing[*]} (apt-get)"
  SUDO=""
  [[ $(id -u) == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
scripts/kube-binaries.sh

# 5,000 concurrent deliveries hold ~10,000 sockets in the operator JVM.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
if (($(ulimit -n) < 16384)); then
  log "warning: open-file limit $(ulimit -n) may be too low for ${BENCH_SLOW_DELIVERIES:-5000} concurrent deliveries"
fi

# ------------------------------------------------------------------ build
OPERATOR_JAR="${BENCH_OPERATOR_JAR:-operator/target/emailgistics-webhooks-operator.jar}"
BENCH_JAR=benchmark/target/emailgistics-webhooks-benchmark.jar
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the operator and the benchmark (mvn -DskipTests package -pl benchmark -am)"
  mvn -B -q -DskipTests package -pl benchmark -am
fi
[[ -f "$OPERATOR_JAR" && -f "$BENCH_JAR" ]] || { echo "missing $OPERATOR_JAR or $BENCH_JAR" >&2; exit 1; }

cleanup() { rm -rf "${BENCH_TMP:-}"; }
trap cleanup EXIT

# ------------------------------------------------------------------ run
WORK_DIR="$PWD/benchmark/target/run"
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
chmod 755 "$WORK_DIR"
# etcd's data (kube-api-test puts it in java.io.tmpdir) on tmpfs: creating 20,000 objects is
# about API server throughput, not disk syncs; the dispatch path never touches etcd.
TMP_PARENT=/dev/shm
[[ -d $TMP_PARENT && -w $TMP_PARENT ]] || TMP_PARENT="${TMPDIR:-/tmp}"
BENCH_TMP="$(mktemp -d "$TMP_PARENT/emailgistics-bench.XXXXXX")"

log "running the benchmark (work directory $WORK_DIR)"
java -Xmx1g \
  -Djava.io.tmpdir="$BENCH_TMP" \
  -Dlogback.configurationFile=logback-benchmark.xml \
  -Dbench.repo="$PWD" \
  -Dbench.operatorJar="$OPERATOR_JAR" \
  -Dbench.output="${BENCH_OUTPUT:-docs/benchmarks.md}" \
  -Dbench.workDir="$WORK_DIR" \
  -Dbench.command="$COMMAND" \
  -Dbench.secondsBefore="$((SECONDS - START))" \
  -Dbench.duration="${BENCH_DURATION:-}" \
  -Dbench.warmup="${BENCH_WARMUP:-}" \
  -Dbench.connections="${BENCH_CONNECTIONS:-}" \
  -Dbench.mailboxes="${BENCH_MAILBOXES:-}" \
  -Dbench.slowDeliveries="${BENCH_SLOW_DELIVERIES:-}" \
  -Dbench.rounds="${BENCH_ROUNDS:-}" \
  -Dbench.scaleRounds="${BENCH_SCALE_ROUNDS:-}" \
  -Dbench.operatorHeap="${BENCH_OPERATOR_HEAP:-384m}" \
  -Dbench.scaleOperatorHeap="${BENCH_SCALE_OPERATOR_HEAP:-768m}" \
  -Dbench.operatorJavaOptions="${BENCH_OPERATOR_JAVA_OPTS:-}" \
  -Dbench.phases="${BENCH_PHASES:-}" \
  -jar "$BENCH_JAR"
log "done in $((SECONDS - START)) s; results in ${BENCH_OUTPUT:-docs/benchmarks.md}"
