#!/usr/bin/env bash
# Builds the binaries io.fabric8:kube-api-test needs (etcd, kube-apiserver, kubectl) from the
# Go module proxy, because this environment cannot download release binaries.
#
# Result: ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<KUBE_VERSION>-linux-amd64/{etcd,kube-apiserver,kubectl}
# which is exactly where kube-api-test 7.x looks (folder name purely numeric, e.g. 1.34.12).
#
# Idempotent: returns at once if the three binaries are already there and answer --version.
# Cold run (measured, idle 2-core box): ~6 min, 1.7 GB peak RAM, ~3.5 GB disk (0.8 GB Go modules,
# 2.6 GB Go build cache, 0.2 GB binaries). Rebuild with a warm cache: well under a minute.
#
# Environment:
#   KUBE_VERSION       Kubernetes version to build (default 1.34.12; a leading "v" is accepted)
#   ETCD_VERSION       etcd server version (default 3.6.4, the envtest pairing for k8s 1.34)
#   KUBE_API_TEST_DIR  kube-api-test's directory (default $HOME/.kubeapitest)
#   KBINS_WORK_DIR     wrapper modules + Go module and build caches
#                      (default ${XDG_CACHE_HOME:-$HOME/.cache}/emailgistics-kbins)
#   KBINS_CLEAN=1      delete KBINS_WORK_DIR after a successful build (frees ~3.4 GB)
#   KBINS_FORCE=1      rebuild even if the binaries are already present
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.34.12}"
KUBE_VERSION="${KUBE_VERSION#v}"
ETCD_VERSION="${ETCD_VERSION:-3.6.4}"
ETCD_VERSION="${ETCD_VERSION#v}"
TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
OUT_DIR="$TEST_DIR/k8s/${KUBE_VERSION}-linux-amd64"
WORK_DIR="${KBINS_WORK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/emailgistics-kbins}"

START=$SECONDS
log() { printf '[kube-binaries +%4ss] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$KUBE_VERSION" =~ ^1\.([0-9]+)\.([0-9]+)$ ]] || die "KUBE_VERSION must look like 1.34.12 (got '$KUBE_VERSION')"
KUBE_MINOR="${BASH_REMATCH[1]}"
STAGING_VERSION="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
[[ "$ETCD_VERSION" =~ ^3\.[0-9]+\.[0-9]+$ ]] || die "ETCD_VERSION must look like 3.6.4 (got '$ETCD_VERSION')"

# Succeeds if DIR holds all three binaries, each answering --version with the expected version.
binaries_ok() {
  local dir="$1" v
  [[ -x "$dir/etcd" && -x "$dir/kube-apiserver" && -x "$dir/kubectl" ]] || return 1
  v="$("$dir/kube-apiserver" --version 2>/dev/null)" || return 1
  [[ "$v" == "Kubernetes v$KUBE_VERSION" ]] || return 1
  v="$(KUBECONFIG=/dev/null "$dir/kubectl" version --client 2>/dev/null)" || return 1
  [[ "$v" == *"Client Version: v$KUBE_VERSION"* ]] || return 1
  v="$("$dir/etcd" --version 2>/dev/null)" || return 1
  [[ "$v" == *"etcd Version: $ETCD_VERSION"* ]] || return 1
}

if [[ "${KBINS_FORCE:-0}" != 1 ]] && binaries_ok "$OUT_DIR"; then
  log "already present: $OUT_DIR (kube-apiserver/kubectl v$KUBE_VERSION, etcd $ETCD_VERSION)"
  exit 0
fi

command -v go >/dev/null || die "go is not installed"
mkdir -p "$WORK_DIR" "$TEST_DIR/k8s"

# One build at a time per work dir (CI and a developer may race).
exec 9>"$WORK_DIR/.lock"
if ! flock -n 9; then
  log "another build holds $WORK_DIR/.lock; waiting"
  flock 9
fi
if [[ "${KBINS_FORCE:-0}" != 1 ]] && binaries_ok "$OUT_DIR"; then
  log "already present (built by the run we waited for): $OUT_DIR"
  exit 0
fi

# Self-contained Go environment: caches under WORK_DIR, the local toolchain only,
# module cache writable so `rm -rf` (KBINS_CLEAN) works.
export GOTOOLCHAIN=local
export GOMODCACHE="$WORK_DIR/gomod"
export GOCACHE="$WORK_DIR/gobuild"
export GOFLAGS="-modcacherw -buildvcs=false -mod=mod"
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
export GOWORK=off
log "go: $(go version | awk '{print $3}'), work dir: $WORK_DIR"
log "target: $OUT_DIR (kubernetes v$KUBE_VERSION, staging $STAGING_VERSION, etcd v$ETCD_VERSION)"

NICE=(nice -n 19)

# Leftovers of interrupted runs (we hold the lock, so none of them is live).
rm -rf "$TEST_DIR/k8s/.building-${KUBE_VERSION}."* "$TEST_DIR/k8s/.old-${KUBE_VERSION}."*

# Build into a temporary sibling folder (its name does not end in -linux-amd64, so kube-api-test
# ignores it), then rename it into place: an interrupted run never leaves a folder that looks done.
TMP_OUT="$(mktemp -d "$TEST_DIR/k8s/.building-${KUBE_VERSION}.XXXXXX")"
trap 'rm -rf "$TMP_OUT"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- kube-apiserver + kubectl
K8S_MOD_DIR="$WORK_DIR/wrap-k8s-$KUBE_VERSION"
rm -rf "$K8S_MOD_DIR"
mkdir -p "$K8S_MOD_DIR"
cd "$K8S_MOD_DIR"

log "resolving k8s.io/kubernetes@v$KUBE_VERSION"
K8S_INFO="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION")" \
  || die "cannot fetch k8s.io/kubernetes@v$KUBE_VERSION from the Go module proxy: $K8S_INFO"
K8S_GOMOD="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' <<<"$K8S_INFO")"
K8S_TIME="$(sed -n 's/^[[:space:]]*"Time": "\(.*\)",*$/\1/p' <<<"$K8S_INFO")"
[[ -f "$K8S_GOMOD" ]] || die "no go.mod found for k8s.io/kubernetes@v$KUBE_VERSION"

# Staging modules are replaced by local paths in k8s.io/kubernetes' go.mod; derive that list.
mapfile -t STAGING < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// {print $1} $1 == "replace" && $3 == "=>" && $4 ~ /^\.\/staging\// {print $2}' "$K8S_GOMOD" | sort -u)
((${#STAGING[@]} > 10)) || die "found only ${#STAGING[@]} staging replaces in $K8S_GOMOD"
log "derived ${#STAGING[@]} staging replaces (-> $STAGING_VERSION)"

go mod init local/kbins-k8s >/dev/null 2>&1
edit_args=()
for m in "${STAGING[@]}"; do edit_args+=("-replace=$m=$m@$STAGING_VERSION"); done
# Same GODEBUG defaults as the upstream build.
while read -r gd; do edit_args+=("-godebug=$gd"); done \
  < <(awk '$1 == "godebug" && $2 != "(" {print $2}' "$K8S_GOMOD")
go mod edit "${edit_args[@]}"

log "downloading modules for kube-apiserver and kubectl (first run: ~0.8 GB)"
go get "k8s.io/kubernetes@v$KUBE_VERSION" >/dev/null 2>"$K8S_MOD_DIR/go-get.log" \
  || { cat "$K8S_MOD_DIR/go-get.log" >&2; die "go get k8s.io/kubernetes@v$KUBE_VERSION failed"; }
go list -deps k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl >/dev/null \
  2>"$K8S_MOD_DIR/go-list.log" \
  || { cat "$K8S_MOD_DIR/go-list.log" >&2; die "resolving the kube-apiserver/kubectl packages failed"; }

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$KUBE_MINOR"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${K8S_TIME:-1970-01-01T00:00:00Z}"
done

log "compiling kube-apiserver and kubectl (nice 19; the slow part: ~5 min cold on 2 cores)"
"${NICE[@]}" go build -trimpath -ldflags "$ldflags" -o "$TMP_OUT/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
log "kube-apiserver and kubectl built"

# ---------------------------------------------------------------- etcd
ETCD_MOD_DIR="$WORK_DIR/wrap-etcd-$ETCD_VERSION"
rm -rf "$ETCD_MOD_DIR"
mkdir -p "$ETCD_MOD_DIR"
cd "$ETCD_MOD_DIR"
go mod init local/kbins-etcd >/dev/null 2>&1
log "downloading modules for etcd v$ETCD_VERSION"
go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null 2>"$ETCD_MOD_DIR/go-get.log" \
  || { cat "$ETCD_MOD_DIR/go-get.log" >&2; die "go get go.etcd.io/etcd/server/v3@v$ETCD_VERSION failed"; }
log "compiling etcd (nice 19)"
"${NICE[@]}" go build -trimpath -ldflags "-s -w" -o "$TMP_OUT/etcd" go.etcd.io/etcd/server/v3
log "etcd built"

# ---------------------------------------------------------------- check and publish
binaries_ok "$TMP_OUT" || {
  "$TMP_OUT/kube-apiserver" --version >&2 || true
  "$TMP_OUT/kubectl" version --client >&2 || true
  "$TMP_OUT/etcd" --version >&2 || true
  die "built binaries do not report the expected versions"
}
chmod 0755 "$TMP_OUT" "$TMP_OUT"/*
if [[ -e "$OUT_DIR" ]]; then
  # An older or broken folder: move it aside first, since rename cannot replace a non-empty dir.
  OLD="$(mktemp -d "$TEST_DIR/k8s/.old-${KUBE_VERSION}.XXXXXX")"
  mv "$OUT_DIR" "$OLD/"
  rm -rf "$OLD"
fi
mv "$TMP_OUT" "$OUT_DIR"
trap - EXIT

if [[ "${KBINS_CLEAN:-0}" == 1 ]]; then
  log "KBINS_CLEAN=1: removing $WORK_DIR"
  cd /
  rm -rf "$WORK_DIR"
fi
log "done: $OUT_DIR"
"$OUT_DIR/kube-apiserver" --version >&2
"$OUT_DIR/etcd" --version | sed -n 1p >&2
