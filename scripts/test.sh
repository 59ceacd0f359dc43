#!/usr/bin/env bash
# The project's test command: makes sure the kube-apiserver/etcd binaries of the real-API-server
# tests exist (built once from the Go module proxy, ~6 min cold, seconds afterwards), then runs
# every module's tests: unit, mock-API-server, Helm chart and real-API-server suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/kube-binaries.sh
mvn -B verify "$@"
