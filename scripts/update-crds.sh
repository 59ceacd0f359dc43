#!/usr/bin/env bash
# Regenerates the CRDs from the Java API classes and copies them to crds/ (and the Helm chart's
# crds/ once it exists). Run after changing anything under operator/src/main/java/.../api.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl operator process-classes
cp operator/target/classes/META-INF/fabric8/*.yml crds/
if [ -d helm/emailgistics-operator/crds ]; then
  cp operator/target/classes/META-INF/fabric8/*.yml helm/emailgistics-operator/crds/
fi
echo "CRDs updated:"; ls crds/
