#!/usr/bin/env bash
# Benchmark of the dispatch endpoint; results in docs/benchmarks.md (see that file for what is measured).
#
#   scripts/benchmark.sh
#
# Installs nginx and wrk with apt-get when missing (needs root), builds the operator and the
# benchmark module, then runs everything on this machine over 127.0.0.1: a real kube-apiserver +
# etcd (kube-api-test; binaries from scripts/kube-binaries.sh), the operator's runnable jar in its
# own JVM, an HTTPS webhook receiver in its own JVM, nginx as a reverse proxy to the same receiver,
# and wrk as the load generator. Prints the figures (including "ratio: X.XX") and rewrites
# docs/benchmarks.md. Takes about 15 minutes on 2 cores; every phase is bounded in time.
#
# Environment (all optional):
#   BENCH_DURATION=20          seconds per measured scenario
#   BENCH_WARMUP=60            at most this many seconds of warm-up on the 1-rule path (half on the
#                              others): until the JIT compiles less than 10% of the time
#   BENCH_CONNECTIONS=16       wrk connections (closed loop: each waits for its answer)
#   BENCH_MAILBOXES=1000       mailboxes (x 20 rules) for the scale scenario
#   BENCH_SLOW_DELIVERIES=5000 concurrent deliveries to the endpoint that answers after 5 s
#   BENCH_PROFILE=true         JFR profile of the operator under the 1-rule load
#   BENCH_OUTPUT=docs/benchmarks.md
#   BENCH_OPERATOR_JAR=...     benchmark another build of the operator (e.g. a prototype)
#   BENCH_OPERATOR_HEAP=384m   operator -Xmx (the Helm chart: 75% of a 512Mi container)
#   BENCH_SCALE_CONTROL_HEAP=1g  scenario 4 is measured again with this operator heap (empty: not)
#   BENCH_OPERATOR_JAVA_OPTS=  extra JVM options for the operator (e.g. -Dsun.net.httpserver.nodelay=true)
#   BENCH_COMPARE_REF=<git ref>  also measure the operator as of that commit (e.g. one before a
#                              performance fix): built from `git archive` in a scratch directory
#                              outside the working tree; the throughput and slow scenarios run again
#                              with it and docs/benchmarks.md shows both side by side
#   BENCH_COMPARE_PATCH=file   the same with the current operator plus a patch (a prototype fix)
#   BENCH_COMPARE_JAR=file     the same with an operator jar built elsewhere
#   BENCH_COMPARE_LABEL=...    name of the compared build in the report
#   BENCH_PHASES=              subset of throughput,slow,profile,scale (a partial run prints figures
#                              but leaves docs/benchmarks.md alone)
#   BENCH_SKIP_BUILD=1         use the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS
log() { printf '[benchmark.sh +%4ss] %s\n' "$((SECONDS - START))" "$*"; }

# The command as given, for docs/benchmarks.md.
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$({ git status --porcelain -- operator 2>/dev/null || true; } | wc -l | tr -d ' ')"
COMMAND="scripts/benchmark.sh"
for var in BENCH_DURATION BENCH_WARMUP BENCH_CONNECTIONS BENCH_MAILBOXES BENCH_SLOW_DELIVERIES BENCH_PROFILE BENCH_OPERATOR_JAR BENCH_OPERATOR_HEAP BENCH_SCALE_CONTROL_HEAP BENCH_OPERATOR_JAVA_OPTS BENCH_PHASES BENCH_COMPARE_REF BENCH_COMPARE_PATCH BENCH_COMPARE_JAR BENCH_COMPARE_LABEL; do
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
command -v jcmd >/dev/null || log "warning: jcmd not found (a JDK, not a JRE, is needed for the JFR profile)"
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

# Another operator build to compare with (an older commit or a patched copy), built in a scratch
# directory: never in this working tree.
SCRATCH=""
cleanup() { rm -rf "${BENCH_TMP:-}" "$SCRATCH"; }
trap cleanup EXIT
if [[ -z "${BENCH_COMPARE_JAR:-}" && ( -n "${BENCH_COMPARE_REF:-}" || -n "${BENCH_COMPARE_PATCH:-}" ) ]]; then
  SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/emailgistics-bench-compare.XXXXXX")"
  if [[ -n "${BENCH_COMPARE_REF:-}" ]]; then
    log "building the operator as of $BENCH_COMPARE_REF in $SCRATCH"
    git archive "$BENCH_COMPARE_REF" operator docs pom.xml | tar -x -C "$SCRATCH"
    mv "$SCRATCH/pom.xml" "$SCRATCH/pom.full.xml"
    BENCH_COMPARE_LABEL="${BENCH_COMPARE_LABEL:-operator at $(git rev-parse --short "$BENCH_COMPARE_REF")}"
  else
    log "building the operator with $BENCH_COMPARE_PATCH applied in $SCRATCH"
    cp -r operator docs "$SCRATCH/"
    cp pom.xml "$SCRATCH/pom.full.xml"
    rm -rf "$SCRATCH/operator/target"
    BENCH_COMPARE_LABEL="${BENCH_COMPARE_LABEL:-$(basename "$BENCH_COMPARE_PATCH" .diff)}"
  fi
  # The parent POM with the operator as its only module.
  sed '/<module>/{/<module>operator<\/module>/!d}' "$SCRATCH/pom.full.xml" > "$SCRATCH/pom.xml"
  PATCH_FILE="${BENCH_COMPARE_PATCH:+$(realpath "$BENCH_COMPARE_PATCH")}"
  if (cd "$SCRATCH" && { [[ -z "$PATCH_FILE" ]] || patch -p1 --batch --silent < "$PATCH_FILE"; } \
      && mvn -B -q -DskipTests package -pl operator); then
    BENCH_COMPARE_JAR="$SCRATCH/operator/target/emailgistics-webhooks-operator.jar"
  else
    log "warning: could not build the operator to compare with; running without the comparison"
    BENCH_COMPARE_PATCH=""
    BENCH_COMPARE_REF=""
  fi
fi

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
  -Dbench.profile="${BENCH_PROFILE:-true}" \
  -Dbench.operatorHeap="${BENCH_OPERATOR_HEAP:-384m}" \
  -Dbench.scaleControlHeap="${BENCH_SCALE_CONTROL_HEAP-1g}" \
  -Dbench.operatorJavaOptions="${BENCH_OPERATOR_JAVA_OPTS:-}" \
  -Dbench.phases="${BENCH_PHASES:-}" \
  -Dbench.compareJar="${BENCH_COMPARE_JAR:-}" \
  -Dbench.compareLabel="${BENCH_COMPARE_LABEL:-comparison}" \
  -Dbench.compareRef="${BENCH_COMPARE_REF:+$BENCH_COMPARE_REF ($(git rev-parse --short "$BENCH_COMPARE_REF" 2>/dev/null))}" \
  -Dbench.comparePatch="${BENCH_COMPARE_PATCH:+$(realpath "$BENCH_COMPARE_PATCH")}" \
  -jar "$BENCH_JAR"
log "done in $((SECONDS - START)) s; results in ${BENCH_OUTPUT:-docs/benchmarks.md}"
