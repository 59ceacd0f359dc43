#!/usr/bin/env bash
# The README's run command.
# - With a reachable cluster in the current kubeconfig: installs the CRDs and runs the operator
#   against it in the foreground (webhooks feature as EMAILGISTICS_WEBHOOKS_ENABLED says, off by
#   default; the dispatch token is generated into .run/dispatch-token unless
#   EMAILGISTICS_DISPATCH_TOKEN_FILE is set).
# - Without one: a local try-out — a real kube-apiserver and etcd on localhost (built once from
#   the Go module proxy), the CRDs and examples/, the sample receiver, the operator with the
#   feature on, a test delivery and one sample message; it keeps running with a KUBECONFIG for
#   kubectl. Set EMAILGISTICS_TRYOUT=1 to force the try-out even when a cluster is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .run

build() {
  if [ ! -f operator/target/emailgistics-webhooks-operator.jar ] || [ ! -f tryout/target/classpath.txt ] \
     || [ -n "$(find operator/src tryout/src pom.xml operator/pom.xml tryout/pom.xml -newer tryout/target/classpath.txt -print -quit)" ]; then
    echo "==> Building the operator (first time: a minute or two)"
    mvn -q -B -DskipTests -pl operator,tryout -am install
  fi
}

if [ "${EMAILGISTICS_TRYOUT:-0}" != "1" ] && kubectl version --request-timeout=5s >/dev/null 2>&1; then
  build
  echo "==> Cluster found: $(kubectl config current-context 2>/dev/null || echo in-cluster)"
  echo "==> Installing CRDs"
  kubectl apply --server-side -f crds/
  if [ -z "${EMAILGISTICS_DISPATCH_TOKEN_FILE:-}" ]; then
    [ -s .run/dispatch-token ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > .run/dispatch-token
    export EMAILGISTICS_DISPATCH_TOKEN_FILE="$PWD/.run/dispatch-token"
    echo "==> Dispatch token in .run/dispatch-token"
  fi
  echo "==> Starting the operator (Ctrl-C stops it)"
  exec java -jar operator/target/emailgistics-webhooks-operator.jar
fi

echo "==> No reachable cluster: starting a local try-out"
echo "==> Making sure the kube-apiserver and etcd binaries exist (first time: ~6 min, built from the Go module proxy)"
scripts/kube-binaries.sh
build
exec java -cp "tryout/target/classes:$(cat tryout/target/classpath.txt)" com.emailgistics.webhooks.tryout.TryOut "$PWD"
