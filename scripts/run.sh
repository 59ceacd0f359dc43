#!/usr/bin/env bash
# Runs the operator against the cluster of the current kubeconfig: installs the CRDs, builds the
# jar when needed and starts it in the foreground. Settings come from EMAILGISTICS_* variables
# (see README, "Configuration"); the webhooks feature is off unless EMAILGISTICS_WEBHOOKS_ENABLED=true.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=operator/target/emailgistics-webhooks-operator.jar

if ! kubectl version --request-timeout=5s >/dev/null 2>&1; then
  echo "No reachable cluster in the current kubeconfig (${KUBECONFIG:-~/.kube/config})." >&2
  echo "Point KUBECONFIG at a cluster, or use 'kubectl config use-context <name>'." >&2
  exit 1
fi
if [ ! -f "$jar" ] || [ -n "$(find operator/src operator/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then
  echo "== building the operator"
  mvn -q -B -DskipTests package
fi
echo "== installing CRDs"
kubectl apply --server-side -f crds/
echo "== starting the operator (Ctrl-C stops it)"
exec java -jar "$jar"
