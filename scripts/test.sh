#!/usr/bin/env bash
# The project's test command: makes sure the kube-apiserver/etcd binaries of the real-API-server
# tests exist (built once from the Go module proxy, ~6 min cold, seconds afterwards) and the
# Standard Webhooks reference library for Python that checks signed deliveries is installed (into
# .run/python), and so is Prometheus' promtool (apt-get, for the chart's alert rules), then runs
# every module's tests: unit, mock-API-server, Helm chart and
# real-API-server suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/kube-binaries.sh
if ! command -v promtool >/dev/null; then
  # Prometheus' promtool runs the chart's alert rules against their unit tests (MonitoringTest).
  SUDO=""
  [[ $(id -u) == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
PYTHON_LIBS="$PWD/.run/python"
if [[ ! -d "$PYTHON_LIBS/standardwebhooks" ]]; then
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$PYTHON_LIBS" standardwebhooks==1.1.0
fi
mvn -B verify -Dstandardwebhooks.path="$PYTHON_LIBS" "$@"
